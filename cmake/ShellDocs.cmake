# poolaudit.1 and the bash/zsh completions, printed by the built binary from its CLI11 definition
# (src/cli/), so they list exactly the options --help does. Installed with the binary.
set(shell_docs_dir "${CMAKE_BINARY_DIR}/shell-docs")
set(shell_docs "${shell_docs_dir}/poolaudit.1" "${shell_docs_dir}/poolaudit.bash" "${shell_docs_dir}/_poolaudit")
add_custom_command(
  OUTPUT ${shell_docs}
  COMMAND ${CMAKE_COMMAND} -E make_directory "${shell_docs_dir}"
  COMMAND sh -c "\"$1\" --generate-man > \"$2/poolaudit.1\" && \"$1\" --generate-completions bash > \"$2/poolaudit.bash\" && \"$1\" --generate-completions zsh > \"$2/_poolaudit\""
          sh "$<TARGET_FILE:poolaudit>" "${shell_docs_dir}"
  DEPENDS poolaudit
  COMMENT "Generating the man page and shell completions"
  VERBATIM)
add_custom_target(poolaudit_shell_docs ALL DEPENDS ${shell_docs})
install(FILES "${shell_docs_dir}/poolaudit.1" DESTINATION share/man/man1)
install(FILES "${shell_docs_dir}/poolaudit.bash" DESTINATION share/bash-completion/completions RENAME poolaudit)
install(FILES "${shell_docs_dir}/_poolaudit" DESTINATION share/zsh/site-functions)
