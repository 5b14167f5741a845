// Walks the CLI11 options into OptionDoc and registers the hidden generator options.
#include "cli/doc_generators.h"

#include <iostream>
#include <string>
#include <vector>

#include "cli/option_docs.h"

namespace cli_docs {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + 1) {
    parts.push_back(text.substr(start, at - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

bool is_placeholder(const std::string& word) {
  if (word.empty()) return false;
  for (char c : word) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

/// CLI11's type name is the value type followed by each check's description, ':'-separated:
/// "TEXT:{text,json}" (IsMember), "INT:INT in [0 - 1024]" (Range), "UINT:BYTES" (a named check).
void read_type_name(const std::string& type_name, OptionDoc& doc) {
  const std::vector<std::string> parts = split(type_name, ':');
  doc.value_name = parts.front();
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& check = parts[i];
    if (check.size() >= 2 && check.front() == '{' && check.back() == '}') {
      doc.choices = split(check.substr(1, check.size() - 2), ',');
    } else if (is_placeholder(check)) {
      doc.value_name = check;
    }
  }
}

}  // namespace

std::vector<OptionDoc> option_docs(const CLI::App& app) {
  std::vector<OptionDoc> docs;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;  // hidden
    OptionDoc doc;
    doc.short_names = option->get_snames();
    doc.long_names = option->get_lnames();
    doc.positional = !option->nonpositional();
    doc.description = option->get_description();
    doc.takes_value = option->get_items_expected_max() > 0;
    doc.repeatable = option->get_expected_max() > 1;
    if (doc.takes_value) read_type_name(option->get_type_name(), doc);
    if (doc.positional) doc.value_name = option->get_name();
    docs.push_back(std::move(doc));
  }
  return docs;
}

void add_doc_generators(CLI::App& app) {
  const std::string program = app.get_name();
  app.add_flag_callback(
         "--generate-man",
         [&app] {
           std::cout << man_page(app, option_docs(app), POOLAUDIT_VERSION) << std::flush;
           throw CLI::Success();
         },
         "Print the man page (roff) and exit")
      ->group("");
  app.add_option_function<std::string>(
         "--generate-completions",
         [&app, program](const std::string& shell) {
           const std::vector<OptionDoc> docs = option_docs(app);
           std::cout << (shell == "bash" ? bash_completion(program, docs) : zsh_completion(program, docs))
                     << std::flush;
           throw CLI::Success();
         },
         "Print the bash or zsh completion script and exit")
      ->check(CLI::IsMember({"bash", "zsh"}))
      ->group("");
}

}  // namespace cli_docs
