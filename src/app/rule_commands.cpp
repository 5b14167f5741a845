#include "app/rule_commands.h"

#include <nlohmann/json.hpp>

#include "core/finding.h"
#include "report/reporter.h"
#include "rules/rule.h"

namespace app {

void list_rules(bool json, const std::string& docs_url, std::ostream& out) {
  if (!json) {
    for (const rules::Rule* r : rules::all_rules()) {
      out << r->info.code << "  " << r->info.name << "  " << core::severity_name(r->info.severity)
          << (r->info.default_on ? "" : " (opt-in)") << "  " << r->info.summary << "\n";
    }
    return;
  }
  // The keys of ruff's `rule --all --output-format json` where they mean the same thing.
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const rules::Rule* r : rules::all_rules()) {
    nlohmann::ordered_json roles = nlohmann::ordered_json::array();
    for (core::FileRole role : core::kRoles) {
      if (core::applies_to(r->info.roles, role)) roles.push_back(std::string(core::role_name(role)));
    }
    list.push_back({{"code", std::string(r->info.code)},
                    {"name", std::string(r->info.name)},
                    {"summary", std::string(r->info.summary)},
                    {"severity", std::string(core::severity_name(r->info.severity))},
                    {"default", r->info.default_on},
                    {"roles", std::move(roles)},
                    {"fixable", r->info.fix_availability != core::FixAvailability::kNone},
                    {"fix", std::string(core::fix_availability_name(r->info.fix_availability))},
                    {"url", core::rule_doc_url(docs_url, r->info.code)}});
  }
  out << list.dump(2) << "\n";
}

bool explain_rule(const std::string& code_or_name, bool markdown, const std::string& docs_url,
                  std::ostream& out) {
  const rules::Rule* r = rules::find_rule(code_or_name);
  if (!r) return false;
  if (markdown) {
    report::write_rule_markdown(r->info, out);
    return true;
  }
  out << r->info.code << " " << r->info.name << " (" << core::severity_name(r->info.severity)
      << (r->info.default_on ? ", on by default" : ", opt-in: --select " + std::string(r->info.code))
      << ")\n\n"
      << r->info.summary << "\n\n"
      << r->info.explanation << "\n\n";
  out << "Roles: " << core::role_list(r->info.roles);
  if (!r->info.roles_reason.empty()) out << ". " << r->info.roles_reason;
  if (!r->info.evidence.empty()) out << "\n\nEvidence: " << r->info.evidence;
  out << "\n\nFix: " << r->info.fix << "\n";
  out << "Autofix: " << report::autofix_line(r->info) << "\n";
  const std::string url = core::rule_doc_url(docs_url, r->info.code);
  if (!url.empty()) out << "\nDocs: " << url << "\n";
  return true;
}

}  // namespace app
