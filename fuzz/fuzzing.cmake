# Included by the top-level CMakeLists.txt when STEWARD_FUZZ is ON, before any
# target exists, so that every target of this build — the common libraries
# under test included, generated protobuf code too — is compiled with
# libFuzzer's coverage instrumentation, AddressSanitizer and UBSan. Only the
# fuzz targets link libFuzzer itself (fuzz/CMakeLists.txt). Use a build
# directory of its own (scripts/fuzz.sh: build-fuzz); nothing here suits a
# production binary.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR
    "STEWARD_FUZZ needs clang and libFuzzer (apt-get install clang "
    "libclang-rt-14-dev); configure with -DCMAKE_CXX_COMPILER=clang++")
endif()

# Any UBSan finding aborts, so libFuzzer records it as a crash instead of
# printing a line and carrying on.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                    -fno-sanitize-recover=all -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)

add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${CMAKE_BINARY_DIR}/fuzz)
