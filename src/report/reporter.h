#pragma once
// Renderers of the one result model. Each takes a finished core::Report and only formats it.
#include <ostream>
#include <string>
#include <string_view>

#include "core/report.h"

namespace report {

struct TextStyle {
  bool color = false;  ///< ANSI colours (a TTY, --color always)
  bool quiet = false;  ///< findings and the summary line only
  bool concise = false;  ///< one line per finding: no source excerpt
  bool unsafe_fixes = false;  ///< --unsafe-fixes: unsafe fixes count as applicable (`[*]`)
};

/// gcc-style finding lines, then the audit report (checks, inventory, summary).
void write_text(const core::Report& report, const TextStyle& style, std::ostream& out);
struct MarkdownStyle {
  bool quiet = false;  ///< the summary and the findings only (no checks, context, inventory)
};

/// A Markdown report for pull requests and CI job summaries.
void write_markdown(const core::Report& report, const MarkdownStyle& style, std::ostream& out);
/// write_markdown() with the default style.
void write_markdown(const core::Report& report, std::ostream& out);
/// The JSON contract (schema_version 1; see docs/report.schema.json).
void write_json(const core::Report& report, std::ostream& out);
/// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
void write_sarif(const core::Report& report, std::ostream& out);
/// GitHub Actions workflow commands (`::error file=...::message`): annotations on a pull request.
void write_github(const core::Report& report, std::ostream& out);
/// A GitLab Code Quality report (JSON array of issues).
void write_gitlab(const core::Report& report, std::ostream& out);
/// True for the machine formats write_format() knows and for "text".
bool known_format(std::string_view format);
/// Renders `report` in a non-text format (markdown, json, sarif, github, gitlab); false if unknown.
bool write_format(std::string_view format, const core::Report& report, std::ostream& out);
/// `--statistics`: the count of findings per rule, most frequent first; text or a JSON array.
void write_statistics(const core::Report& report, bool json, std::ostream& out);
/// "none: ..." / "sometimes (`--fix`): safe when ...": what the rule's autofix offers and why.
std::string autofix_line(const core::RuleInfo& rule);
/// A rule's documentation page in Markdown (docs/rules/PAnnn.md, SARIF help, --explain --format markdown).
void write_rule_markdown(const core::RuleInfo& rule, std::ostream& out);

}  // namespace report
