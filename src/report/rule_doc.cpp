// A rule's documentation page, rendered from its metadata: docs/rules/PAnnn.md, the SARIF help
// text and `--explain PAnnn --format markdown` are this one function, so they cannot drift apart.
#include <string>

#include "report/reporter.h"

namespace report {

std::string autofix_line(const core::RuleInfo& rule) {
  if (rule.fix_availability == core::FixAvailability::kNone || rule.fix_safety.empty()) {
    return "none: the change needs a decision `--fix` cannot make.";
  }
  return std::string(core::fix_availability_name(rule.fix_availability)) + " (`--fix`): " +
         std::string(rule.fix_safety) + ".";
}

void write_rule_markdown(const core::RuleInfo& rule, std::ostream& out) {
  const std::string code(rule.code);
  out << "# " << code << " " << rule.name << "\n\n"
      << rule.summary << ".\n\n"
      << "- Severity: **" << core::severity_name(rule.severity) << "**\n"
      << "- Default: "
      << (rule.default_on ? "on" : "off (opt-in: `--select " + code + "`)")
      << "\n"
      << "- Roles: " << core::role_list(rule.roles) << "\n"
      << "- Autofix: " << core::fix_availability_name(rule.fix_availability) << "\n"
      << "- Explain: `poolaudit --explain " << code << "`\n\n"
      << rule.explanation << "\n\n";
  if (!rule.roles_reason.empty())
    out << "**Where it applies.** " << rule.roles_reason << "\n\n";
  if (!rule.evidence.empty()) out << "**Evidence.** " << rule.evidence << "\n\n";
  out << "**Fix.** " << rule.fix << "\n";
  out << "\n**Autofix.** " << autofix_line(rule) << "\n";
}

}  // namespace report
