// `--statistics`: how many findings each rule reported, most frequent first (ties by code), as
// ruff prints it. Text is tab-separated (count, code, name, documentation URL); JSON is an array.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/reporter.h"

namespace report {
namespace {

struct RuleCount {
  std::string code;
  std::string name;
  size_t count = 0;
  bool fixable = false;  ///< one of them carries a safe fix (`--fix` would apply it)
};

std::vector<RuleCount> count_by_rule(const core::Report& report) {
  std::map<std::string, RuleCount> by_code;
  auto add = [&](const core::Finding& f) {
    RuleCount& c = by_code[f.code];
    c.code = f.code;
    c.name = f.name;
    ++c.count;
    if (f.autofix && f.autofix->applicability == core::Applicability::kSafe) c.fixable = true;
  };
  for (const core::Finding& f : report.findings) {
    if (!f.suppressed) add(f);
  }
  for (const core::Finding& d : report.diagnostics) add(d);
  std::vector<RuleCount> out;
  for (auto& [code, c] : by_code) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(),
                   [](const RuleCount& a, const RuleCount& b) { return a.count > b.count; });
  return out;
}

}  // namespace

void write_statistics(const core::Report& report, bool json, std::ostream& out) {
  const std::vector<RuleCount> counts = count_by_rule(report);
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const RuleCount& c : counts) {
      list.push_back({{"code", c.code},
                      {"name", c.name},
                      {"count", c.count},
                      {"fixable", c.fixable},
                      {"url", core::rule_doc_url(report.rule_docs_url, c.code)}});
    }
    out << list.dump(2) << "\n";
    return;
  }
  size_t width = 1;
  for (const RuleCount& c : counts) width = std::max(width, std::to_string(c.count).size());
  for (const RuleCount& c : counts) {
    const std::string n = std::to_string(c.count);
    out << std::string(width - n.size(), ' ') << n << "\t" << c.code << "\t" << c.name;
    const std::string url = core::rule_doc_url(report.rule_docs_url, c.code);
    if (!url.empty()) out << "\t" << url;
    out << "\n";
  }
}

}  // namespace report
