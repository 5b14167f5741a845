# tree-sitter runtime and the Python grammar, from the npm registry, pinned by sha256.
# Debian's libtree-sitter-dev (0.20.7) cannot load ABI 15 grammars, and grammar 0.25 is needed for
# current Python syntax (3.12 f-strings, 3.14 t-strings).
set(POOLAUDIT_DEPS_DIR "${CMAKE_SOURCE_DIR}/.deps" CACHE PATH "Where npm tarballs are cached")

function(poolaudit_fetch_npm package version sha256 out_dir)
  # npm pack names a scoped package's tarball without the "@" and with "-" for "/".
  string(REGEX REPLACE "^@" "" file_name "${package}")
  string(REPLACE "/" "-" file_name "${file_name}")
  set(tarball "${POOLAUDIT_DEPS_DIR}/${file_name}-${version}.tgz")
  if(NOT EXISTS "${tarball}")
    file(MAKE_DIRECTORY "${POOLAUDIT_DEPS_DIR}")
    find_program(NPM npm)
    if(NOT NPM)
      message(FATAL_ERROR "npm-fetch: npm is not installed; it fetches ${package}@${version} "
              "(or put ${file_name}-${version}.tgz in ${POOLAUDIT_DEPS_DIR})")
    endif()
    execute_process(COMMAND "${NPM}" pack "${package}@${version}" --silent
                    WORKING_DIRECTORY "${POOLAUDIT_DEPS_DIR}" RESULT_VARIABLE rc
                    OUTPUT_VARIABLE npm_output ERROR_VARIABLE npm_output)
    if(NOT rc EQUAL 0 OR NOT EXISTS "${tarball}")
      # The first line is what scripts/pre-commit-build.sh shows: the cause is the fetch (network,
      # proxy, npm configuration), not a missing build dependency.
      string(STRIP "${npm_output}" npm_output)
      message(FATAL_ERROR "npm-fetch: `npm pack ${package}@${version}` failed (exit ${rc}): the npm "
              "registry could not be reached or refused the download. Check the network, the proxy "
              "and npm's registry setting, or put ${file_name}-${version}.tgz (sha256 ${sha256}) in "
              "${POOLAUDIT_DEPS_DIR}.\nnpm said: ${npm_output}")
    endif()
  endif()
  file(SHA256 "${tarball}" actual)
  if(NOT actual STREQUAL sha256)
    file(REMOVE "${tarball}")
    message(FATAL_ERROR "npm-fetch: ${tarball}: sha256 ${actual} != expected ${sha256} (removed; "
            "a corrupted or tampered download)")
  endif()
  set(dest "${CMAKE_BINARY_DIR}/_deps/${file_name}-${version}")
  if(NOT EXISTS "${dest}/package/package.json")
    file(ARCHIVE_EXTRACT INPUT "${tarball}" DESTINATION "${dest}")
  endif()
  set(${out_dir} "${dest}/package" PARENT_SCOPE)
endfunction()

poolaudit_fetch_npm(tree-sitter 0.25.1
  07aeba8dd71630e7e72b2d4ca3bd2680c3471824100cc5ebff44e78a6ed0b6d3 ts_runtime_dir)
poolaudit_fetch_npm(tree-sitter-python 0.25.0
  63b76b3fa8181fd79eaad4abcdb21e2babcb504dbfc7710a89934fa456d26096 ts_python_dir)

set(ts_lib "${ts_runtime_dir}/vendor/tree-sitter/lib")
add_library(tree_sitter_runtime STATIC "${ts_lib}/src/lib.c")
target_include_directories(tree_sitter_runtime SYSTEM PUBLIC "${ts_lib}/include")
target_include_directories(tree_sitter_runtime PRIVATE "${ts_lib}/src")
target_compile_definitions(tree_sitter_runtime PRIVATE _DEFAULT_SOURCE)
set_target_properties(tree_sitter_runtime PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
target_compile_options(tree_sitter_runtime PRIVATE -w)

add_library(tree_sitter_python STATIC "${ts_python_dir}/src/parser.c" "${ts_python_dir}/src/scanner.c")
target_include_directories(tree_sitter_python PRIVATE "${ts_python_dir}/src")
set_target_properties(tree_sitter_python PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
target_compile_options(tree_sitter_python PRIVATE -w)
