// poolaudit.1 (roff, man(7) macros): the OPTIONS section is generated from CLI11, the rest is the
// fixed prose of the README's usage section in short.
#include <sstream>
#include <string>
#include <vector>

#include "cli/option_docs.h"

namespace cli_docs {
namespace {

/// Text safe inside a roff line: backslashes escaped, no line starting with a control character.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
  return out;
}

std::string option_heading(const OptionDoc& option) {
  std::string heading;
  for (const std::string& name : option.short_names) {
    heading += (heading.empty() ? "" : ", ") + std::string("\\fB\\-") + roff(name) + "\\fR";
  }
  for (const std::string& name : option.long_names) {
    heading += (heading.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + roff(name) + "\\fR";
  }
  if (option.takes_value) {
    std::string value = option.value_name;
    if (!option.choices.empty()) {
      value.clear();
      for (const std::string& choice : option.choices) value += (value.empty() ? "" : "|") + choice;
    }
    heading += " \\fI" + roff(value) + "\\fR";
  }
  return heading;
}

}  // namespace

std::string man_page(const CLI::App& app, const std::vector<OptionDoc>& options, const std::string& version) {
  std::string summary = app.get_description();
  const std::string prefix = app.get_name() + ": ";
  if (summary.rfind(prefix, 0) == 0) summary = summary.substr(prefix.size());
  std::ostringstream out;
  out << ".TH POOLAUDIT 1 \"\" \"poolaudit " << roff(version) << "\" \"User Commands\"\n"
      << ".SH NAME\n"
      << "poolaudit \\- " << roff(summary) << "\n"
      << ".SH SYNOPSIS\n"
      << ".B poolaudit\n"
      << "[\\fIOPTIONS\\fR] [\\fIPATH\\fR...]\n"
      << ".SH DESCRIPTION\n"
      << "poolaudit reads Python backends (it never imports or runs them, and opens no network\n"
      << "connection) and reports SQLAlchemy connection\\-pool, session and Alembic misconfigurations:\n"
      << "findings, checks, the deployment context and an inventory of engines and sessions.\n"
      << "Directories are walked (what git ignores is skipped); the default path is the current\n"
      << "directory. When every path is a file, the project around it is read for context and only\n"
      << "the named files are reported.\n"
      << ".SH OPTIONS\n";
  for (const OptionDoc& option : options) {
    if (option.positional) continue;
    out << ".TP\n" << option_heading(option) << "\n" << roff(option.description) << "\n";
  }
  out << ".SH EXIT STATUS\n"
      << ".TP\n.B 0\nNo finding at or above \\fB\\-\\-fail\\-on\\fR.\n"
      << ".TP\n.B 1\nFindings at or above \\fB\\-\\-fail\\-on\\fR.\n"
      << ".TP\n.B 2\nA usage, configuration or I/O error, or a file named on the command line that could not\n"
      << "be audited; one line on standard error.\n"
      << ".SH FILES\n"
      << "Settings are read from \\fB[tool.poolaudit]\\fR in \\fIpyproject.toml\\fR, or from\n"
      << "\\fIpoolaudit.toml\\fR or \\fI.poolaudit.toml\\fR: each file gets the closest one above it, and\n"
      << "\\fBextend\\fR inherits another; \\fB\\-\\-show\\-settings\\fR \\fIFILE\\fR prints which files apply.\n"
      << ".SH ENVIRONMENT\n"
      << ".TP\n.B NO_COLOR\nWhen set and not empty, output is not coloured unless \\fB\\-\\-color always\\fR is given.\n"
      << ".SH SEE ALSO\n"
      << "\\fBpoolaudit \\-\\-list\\-rules\\fR and \\fBpoolaudit \\-\\-explain\\fR \\fIRULE\\fR for the rules;\n"
      << "the README and docs/ of the poolaudit repository.\n";
  return out.str();
}

}  // namespace cli_docs
