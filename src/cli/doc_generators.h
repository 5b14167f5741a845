#pragma once
// The man page and the shell completions are printed from the CLI11 definition itself, so a flag
// added in main.cpp appears in them (and in what `make install` installs) with nothing else to edit.
#include <CLI/CLI.hpp>

namespace cli_docs {

/// Adds the hidden `--generate-man` and `--generate-completions bash|zsh`. Call it after every
/// other option is added. Each prints to stdout and ends the parse with CLI::Success (exit 0).
void add_doc_generators(CLI::App& app);

}  // namespace cli_docs
