// GitLab Code Quality report (a Code Climate issue subset): the `codequality` artifact of a job,
// shown in merge request widgets. Suppressed findings are left out.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "report/fingerprint.h"
#include "report/reporter.h"

namespace report {
namespace {

const char* severity(core::Severity s) {
  switch (s) {
    case core::Severity::kError: return "critical";
    case core::Severity::kWarning: return "major";
    case core::Severity::kInfo: return "info";
  }
  return "major";
}

}  // namespace

void write_gitlab(const core::Report& report, std::ostream& out) {
  nlohmann::ordered_json issues = nlohmann::ordered_json::array();
  auto add = [&](const std::vector<core::Finding>& findings, bool diagnostics) {
    const std::vector<std::string> prints = fingerprints(findings);
    for (size_t i = 0; i < findings.size(); ++i) {
      const core::Finding& f = findings[i];
      if (f.suppressed) continue;
      const uint32_t line = f.where.range.valid() ? f.where.range.begin.line : 1;
      const uint32_t end = std::max(line, f.where.range.end.line);
      // content.body is Markdown in the merge request widget: the fix, then the rule's page.
      std::string body = f.fix;
      if (const std::string url = core::rule_doc_url(report.rule_docs_url, f.code); !url.empty()) {
        body += (body.empty() ? "" : "\n\n") + std::string("[") + f.code + " " + f.name + "](" + url + ")";
      }
      issues.push_back({{"type", "issue"},
                        {"check_name", f.code},
                        {"description", f.code + " " + f.message},
                        {"content", {{"body", body}}},
                        {"categories", {diagnostics ? "Compatibility" : "Bug Risk"}},
                        {"fingerprint", prints[i]},
                        {"severity", diagnostics ? "minor" : severity(f.severity)},
                        {"location", {{"path", f.where.path}, {"lines", {{"begin", line}, {"end", end}}}}}});
    }
  };
  add(report.findings, false);
  add(report.diagnostics, true);
  out << issues.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace report
