#include "app/run_rules.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "app/analyze.h"
#include "core/mask.h"
#include "rules/common.h"
#include "sqla/roles.h"

namespace app {
namespace {

/// Same finding from several branch configurations: keep one, without branch notes.
/// (A hash index, not a scan of the kept findings: a file with thousands of engines stays linear.)
void dedupe(std::vector<core::Finding>& findings) {
  std::vector<core::Finding> out;
  std::unordered_map<std::string, size_t> kept;  // code, location and message -> index in out
  for (core::Finding& f : findings) {
    const core::SourceRange& r = f.where.range;
    std::string key = f.code + '\0' + f.where.path + '\0' + f.message + '\0';
    for (uint32_t n : {r.begin.line, r.begin.column, r.end.line, r.end.column}) key += std::to_string(n) + ':';
    const auto [it, inserted] = kept.try_emplace(std::move(key), out.size());
    if (inserted) {
      out.push_back(std::move(f));
      continue;
    }
    std::erase_if(out[it->second].notes,
                  [](const core::Note& n) { return n.message.rfind("configuration when ", 0) == 0; });
  }
  findings = std::move(out);
}

void mask(core::Finding& f) {
  f.message = core::mask_secrets(f.message);
  f.fix = core::mask_secrets(f.fix);
  for (core::Note& n : f.notes) n.message = core::mask_secrets(n.message);
}

/// The role of each analysed file, by path; other files (deployment files) are classified by path.
class RoleIndex {
 public:
  explicit RoleIndex(const sqla::ProjectFacts& facts) : roots_(facts.context.audit_roots) {
    for (const sqla::FileFacts& f : facts.files) roles_.emplace(f.path, f.role);
    for (const sqla::IniFile& i : facts.ini_files) roles_.emplace(i.path, i.role);
  }
  core::FileRole operator()(const std::string& path) const {
    auto it = roles_.find(path);
    return it != roles_.end() ? it->second : sqla::classify_role(sqla::role_path(roots_, path), {}).role;
  }

 private:
  const std::vector<std::string>& roots_;
  std::unordered_map<std::string, core::FileRole> roles_;
};

bool matches(const rules::Rule& rule, const std::string& selector) {
  return core::selector_matches(selector, rule.info.code, rule.info.name);
}

}  // namespace

std::vector<core::Finding> run_rules(const sqla::ProjectFacts& facts, const std::vector<const rules::Rule*>& selected) {
  std::vector<core::Finding> all;
  const RoleIndex role_of(facts);
  for (const rules::Rule* rule : selected) {
    std::vector<core::Finding> found;
    core::Sink sink(rule->info, found);
    rule->check(facts, sink);
    // A rule reports only in the file roles it declares (the file its finding is anchored in).
    if (rule->info.roles != core::kAllRoles) {
      std::erase_if(found, [&](const core::Finding& f) {
        return !core::applies_to(rule->info.roles, role_of(f.where.path));
      });
    }
    dedupe(found);
    rules::drop_wrapper_repeats(facts, found);
    for (core::Finding& f : found) {
      mask(f);
      all.push_back(std::move(f));
    }
  }
  std::sort(all.begin(), all.end(), core::finding_less);
  return all;
}

std::optional<std::vector<const rules::Rule*>> select_rules(const std::vector<std::string>& select,
                                                           const std::vector<std::string>& ignore,
                                                           std::string& error) {
  const auto all = rules::all_rules();
  for (const auto* list : {&select, &ignore}) {
    for (const std::string& s : *list) {
      if (std::none_of(all.begin(), all.end(), [&](const rules::Rule* r) { return matches(*r, s); })) {
        error = "unknown rule id or prefix: " + s + " (see --list-rules)";
        return std::nullopt;
      }
    }
  }
  std::vector<const rules::Rule*> out;
  for (const rules::Rule* r : all) {
    const bool chosen = select.empty() ? r->info.default_on
                                       : std::any_of(select.begin(), select.end(), [&](const std::string& s) { return matches(*r, s); });
    const bool dropped = std::any_of(ignore.begin(), ignore.end(), [&](const std::string& s) { return matches(*r, s); });
    if (chosen && !dropped) out.push_back(r);
  }
  return out;
}

}  // namespace app
