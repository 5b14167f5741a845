#include "rules/pool_fix.h"

#include <algorithm>

namespace rules {

core::Fix anchored_fix(std::string title, core::Applicability applicability,
                       const std::vector<sqla::TextEdit>& edits) {
  core::Fix fix;
  fix.title = std::move(title);
  fix.applicability = applicability;
  for (const sqla::TextEdit& e : edits) {
    fix.edits.push_back(core::Edit{core::TextSpan{e.begin, e.end, e.range}, e.text});
  }
  std::stable_sort(fix.edits.begin(), fix.edits.end(),
                   [](const core::Edit& a, const core::Edit& b) { return a.span.begin < b.span.begin; });
  return fix;
}

bool written_at_call(const sqla::FileFacts& file, const sqla::EngineSite& site, const sqla::EngineConfig& config,
                     std::string_view name) {
  const py::Argument* arg = config.arg(name);
  const sqla::CallLayout* call = file.anchors.call_at(site.where.range.begin);
  if (!arg || !call || !arg->via.empty() || arg->where.path != site.where.path) return false;
  const sqla::ArgumentSpan* span = call->keyword(name);
  return span && span->at == arg->where.range.begin;
}

std::optional<std::vector<sqla::TextEdit>> pool_edits(const sqla::FileFacts& file, const sqla::EngineSite& site,
                                                      const sqla::EngineConfig& config, std::string_view pool,
                                                      const std::vector<std::string>& drop) {
  if (!site.through.empty()) return std::nullopt;
  const sqla::CallLayout* call = file.anchors.call_at(site.where.range.begin);
  if (!call || call->text.empty()) return std::nullopt;
  std::vector<std::string> dropped;
  for (const std::string& name : drop) {
    if (!config.arg(name)) continue;
    if (!written_at_call(file, site, config, name)) return std::nullopt;
    dropped.push_back(name);
  }
  // The class given now must be the call's own keyword, or nothing but the default.
  const py::Argument* cls = config.arg("poolclass");
  if (cls && !written_at_call(file, site, config, "poolclass")) return std::nullopt;
  if (config.arg("pool") || !config.call_complete) return std::nullopt;
  // Another branch of the same call may carry keywords of its own (a `**opts` per branch): the
  // edit at the call is only right when every configuration agrees on what the call writes.
  for (const sqla::EngineConfig& other : site.configs) {
    for (const std::string& name : drop) {
      if (other.arg(name) && !written_at_call(file, site, other, name)) return std::nullopt;
    }
    if (other.arg("poolclass") && !written_at_call(file, site, other, "poolclass")) return std::nullopt;
  }
  std::vector<sqla::TextEdit> edits;
  if (pool.empty()) {
    if (!cls) return std::nullopt;
    dropped.push_back("poolclass");
    auto keyword = sqla::keyword_edits(*call, dropped);
    if (!keyword) return std::nullopt;
    return keyword;
  }
  // The spelling must be valid where the call runs: imports above the call.
  const std::optional<sqla::Spelling> spelling = sqla::spell(file.anchors, pool, call->begin);
  if (!spelling) return std::nullopt;
  auto keyword = sqla::keyword_edits(*call, dropped, "poolclass", spelling->text);
  if (!keyword) return std::nullopt;
  edits = std::move(*keyword);
  if (spelling->import) edits.insert(edits.begin(), *spelling->import);
  return edits;
}

}  // namespace rules
