# `make wheel` -> dist/poolaudit-<version>-py3-none-<platform>.whl: the binary (stripped), the man page
# and the completions, packed by scripts/build-wheel.py (Python standard library only).
set(POOLAUDIT_WHEEL_DIR "${CMAKE_SOURCE_DIR}/dist" CACHE PATH "Where make wheel writes the wheel")
find_program(POOLAUDIT_PYTHON3 NAMES python3 REQUIRED)
add_custom_target(wheel
  COMMAND "${POOLAUDIT_PYTHON3}" "${CMAKE_SOURCE_DIR}/scripts/build-wheel.py"
          --binary "$<TARGET_FILE:poolaudit>" --version "${PROJECT_VERSION}" --out "${POOLAUDIT_WHEEL_DIR}"
          --strip "${CMAKE_STRIP}" --shell-docs "${shell_docs_dir}" --homepage "${POOLAUDIT_HOMEPAGE}"
  DEPENDS poolaudit poolaudit_shell_docs
  COMMENT "Building the wheel in ${POOLAUDIT_WHEEL_DIR}"
  VERBATIM)
