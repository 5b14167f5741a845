# The libFuzzer target over app::analyze_source (issue #7). Clang only; off by default:
#   cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DPOOLAUDIT_FUZZ=ON
# (`make fuzz` does this and runs it for FUZZ_SECONDS on the fixtures as seeds).
option(POOLAUDIT_FUZZ "Build the libFuzzer target poolaudit_fuzz (needs clang)" OFF)
if(POOLAUDIT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "POOLAUDIT_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
  endif()
  # Everything instrumented for coverage and checked by ASan/UBSan; only the fuzz target links libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
