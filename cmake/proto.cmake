# Generates C++ (and gRPC stubs for the collector services) from every .proto under proto/
# into the library ocelot_proto.
file(GLOB_RECURSE OCELOT_PROTO_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/proto/*.proto)
set(OCELOT_PROTO_INCLUDE_DIR ${CMAKE_BINARY_DIR}/proto_gen)
file(MAKE_DIRECTORY ${OCELOT_PROTO_INCLUDE_DIR})

set(_proto_srcs)
foreach(proto ${OCELOT_PROTO_FILES})
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR}/proto ${proto})
  string(REGEX REPLACE "\\.proto$" "" base ${rel})
  set(outs ${OCELOT_PROTO_INCLUDE_DIR}/${base}.pb.cc ${OCELOT_PROTO_INCLUDE_DIR}/${base}.pb.h)
  set(args --cpp_out=${OCELOT_PROTO_INCLUDE_DIR})
  # Only the collector service definitions need gRPC stubs.
  if(rel MATCHES "/collector/")
    list(APPEND outs ${OCELOT_PROTO_INCLUDE_DIR}/${base}.grpc.pb.cc
         ${OCELOT_PROTO_INCLUDE_DIR}/${base}.grpc.pb.h)
    list(APPEND args --grpc_out=${OCELOT_PROTO_INCLUDE_DIR}
         --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${outs}
    COMMAND protobuf::protoc ${args} -I ${CMAKE_SOURCE_DIR}/proto ${proto}
    DEPENDS ${proto} protobuf::protoc
    COMMENT "protoc ${rel}")
  foreach(o ${outs})
    if(o MATCHES "\\.cc$")
      list(APPEND _proto_srcs ${o})
    endif()
  endforeach()
endforeach()

add_library(ocelot_proto STATIC ${_proto_srcs})
target_include_directories(ocelot_proto PUBLIC ${OCELOT_PROTO_INCLUDE_DIR})
target_link_libraries(ocelot_proto PUBLIC protobuf::libprotobuf PkgConfig::GRPCPP)
# Generated code is not ours to warn about.
target_compile_options(ocelot_proto PRIVATE -w)
