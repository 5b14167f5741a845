#pragma once
// What the man page and the completions need to know about each visible option, read from CLI11.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cli_docs {

struct OptionDoc {
  std::vector<std::string> short_names;  ///< "o" for -o
  std::vector<std::string> long_names;   ///< "output" for --output
  std::string description;
  bool takes_value = false;              ///< false for a flag
  std::string value_name;                ///< FILE, TEXT, INT, BYTES, ...
  std::vector<std::string> choices;      ///< the values an IsMember check accepts
  bool positional = false;
  bool repeatable = false;               ///< a list option: may be given more than once
};

/// The visible options (hidden ones, in the empty group, are left out), in definition order.
std::vector<OptionDoc> option_docs(const CLI::App& app);

std::string man_page(const CLI::App& app, const std::vector<OptionDoc>& options, const std::string& version);
std::string bash_completion(const std::string& program, const std::vector<OptionDoc>& options);
std::string zsh_completion(const std::string& program, const std::vector<OptionDoc>& options);

}  // namespace cli_docs
