#pragma once
// The commands about rules rather than code: --list-rules (text or JSON) and --explain.
#include <ostream>
#include <string>

namespace app {

/// One line per rule (text), or a JSON array: code, name, summary, severity, default selection,
/// roles, fixable, doc URL (`docs_url` is the rule-docs-url base).
void list_rules(bool json, const std::string& docs_url, std::ostream& out);

/// A rule's why, example, fix and documentation link; the rule is named by code or name in any
/// case (`pa101`, `nullpool-pool-sizing`). False for an unknown rule.
bool explain_rule(const std::string& code_or_name, bool markdown, const std::string& docs_url,
                  std::ostream& out);

}  // namespace app
