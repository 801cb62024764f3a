#!/usr/bin/env bash
# Link launcher for the ocelot binary: rewrites the link command so that the big C++ libraries
# (gRPC, protobuf, abseil, yaml-cpp, RE2, c-ares, upb, zlib, zstd) are linked from their Debian
# static archives instead of shared objects. Measured on our 2-core machines: idle RSS 17.2 →
# 13.5 MiB and time to ready 45 → 22 ms, because the dynamic loader no longer maps and
# resolves ~60 shared libraries. libc, libstdc++ and libcurl stay shared; OpenSSL too unless
# OCELOT_STATIC_OPENSSL=1 (see below).
# With OCELOT_STATIC_OPENSSL=1, libssl and libcrypto are linked statically too: the dynamic
# loader's relocation of the shared libcrypto alone touched ~1 MiB at every start (idle RSS
# 12.5-13.3 -> 11.7-11.9 MiB, ready ~2 ms sooner; bench/README.md). The price: an OpenSSL
# security update needs a rebuild of ocelot, as it does for the Go collector, whose crypto is
# compiled in. libcurl, loaded on first use, brings the system's shared OpenSSL for itself.
set -euo pipefail
keep_shared=" ssl crypto curl stdc++ m c pthread dl rt atomic gcc_s "
openssl_libs=(-lssl -lcrypto)
if [ "${OCELOT_STATIC_OPENSSL:-0}" = 1 ]; then
  keep_shared=" curl stdc++ m c pthread dl rt atomic gcc_s "
  openssl_libs=(/usr/lib/x86_64-linux-gnu/libssl.a /usr/lib/x86_64-linux-gnu/libcrypto.a)
fi
args=()
archives=()
for a in "$@"; do
  name=""
  if [[ $a =~ ^/usr/lib/x86_64-linux-gnu/lib([^/]+)\.so(\..*)?$ ]]; then
    name=${BASH_REMATCH[1]}
  elif [[ $a =~ ^-l(.+)$ ]]; then
    name=${BASH_REMATCH[1]}
  fi
  static=/usr/lib/x86_64-linux-gnu/lib$name.a
  if [ -n "$name" ] && [[ $keep_shared != *" $name "* ]] && [ -f "$static" ]; then
    [[ " ${archives[*]-} " == *" $static "* ]] || archives+=("$static")
    continue
  fi
  args+=("$a")
done
if [ ${#archives[@]} -gt 0 ]; then
  exec "${args[@]}" -Wl,--start-group "${archives[@]}" -Wl,--end-group "${openssl_libs[@]}" -ldl -lpthread
fi
exec "${args[@]}"
