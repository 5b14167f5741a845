#pragma once
// Building fixes (core/fix.h) from the spans the facts carry. A rule decides what to delete and
// how safe that is; these helpers turn the choice into edits and never touch a syntax tree.
//
// Where a keyword is written decides the applicability of deleting it (issue 15, and each rule's
// "Autofix" line):
//   - at the engine call itself, directly or in a dict display inside the call's parentheses
//     (`connect_args={...}`, `**{...}`): safe, when every branch of the call that passes it is one
//     the rule reports (an `if` choosing QueuePool in another branch keeps its meaning);
//   - anywhere else in the finding's file (a module-level `OPTS = {...}` given by `**OPTS`, a
//     keyword at a call of a project wrapper): unsafe, the edit is made at that shared place and
//     changes every other call that uses it;
//   - in another file (settings modules, a dict imported from elsewhere) or not deletable
//     (`d[k] = v`, `functools.partial`): no fix.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/finding.h"
#include "sqla/facts.h"

namespace rules {

/// A deletion at `span` in the file at `path`: `span` must be valid and in that file.
struct Deletion {
  std::string name;  ///< what it deletes, for the title ("pool_size")
  core::TextSpan span;
  core::Applicability applicability = core::Applicability::kSafe;
};

/// "Remove `a`", "Remove `a` and `b`", "Remove `a`, `b` and `c`".
inline std::string removal_title(const std::vector<std::string>& names) {
  std::string title = "Remove ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) title += i + 1 == names.size() ? " and " : ", ";
    title += "`" + names[i] + "`";
  }
  return title;
}

/// One fix deleting every span: the least safe applicability of them all. Identical spans (the same
/// keyword seen on two branches) count once; a span that overlaps one already taken (two adjacent
/// keywords of one call) is left for the next round, when the file is analysed again (the fix
/// application works in rounds). nullopt when nothing is left.
inline std::optional<core::Fix> deletion_fix(std::vector<Deletion> deletions) {
  std::sort(deletions.begin(), deletions.end(),
            [](const Deletion& a, const Deletion& b) { return a.span.begin < b.span.begin; });
  core::Fix fix;
  std::vector<std::string> names;
  for (const Deletion& d : deletions) {
    if (!d.span.valid()) continue;
    if (!fix.edits.empty()) {
      const core::TextSpan& last = fix.edits.back().span;
      if (d.span == last) continue;
      if (d.span.begin < last.end) continue;
    }
    fix.edits.push_back(core::Edit{d.span, {}});
    if (std::find(names.begin(), names.end(), d.name) == names.end()) names.push_back(d.name);
    if (d.applicability == core::Applicability::kUnsafe) fix.applicability = core::Applicability::kUnsafe;
  }
  if (fix.edits.empty()) return std::nullopt;
  fix.title = removal_title(names);
  return fix;
}

/// `span` lies inside the call's argument list.
inline bool inside(const core::TextSpan& span, const core::TextSpan& arguments) {
  return arguments.valid() && span.valid() && span.begin >= arguments.begin && span.end <= arguments.end;
}

/// How safe deleting where `arg` was written is, at an engine call: nullopt when no fix can be
/// offered (see the header). `every_branch_rejects(config)` says whether a configuration of the
/// call is one the rule reports for this keyword; the configurations that pass the same written
/// keyword must all be, for the deletion to be safe.
template <typename Rejects>
std::optional<core::Applicability> engine_deletion(const sqla::EngineSite& site, const py::Argument& arg,
                                                   Rejects&& rejects) {
  if (!arg.removal.valid() || arg.where.path != site.where.path) return std::nullopt;
  if (!site.through.empty() || !inside(arg.removal, site.arguments)) return core::Applicability::kUnsafe;
  for (const sqla::EngineConfig& config : site.configs) {
    const bool passes = std::any_of(config.keywords.begin(), config.keywords.end(),
                                    [&](const py::Argument& k) { return k.removal == arg.removal; });
    if (passes && !rejects(config)) return core::Applicability::kUnsafe;
  }
  return core::Applicability::kSafe;
}

/// The fix deleting `args` (keywords of one engine configuration) from `site`; nullopt when one of
/// them cannot be deleted in the finding's file: a partial fix would leave the failure in place.
template <typename Rejects>
std::optional<core::Fix> engine_arguments_fix(const sqla::EngineSite& site, const std::vector<const py::Argument*>& args,
                                              Rejects&& rejects) {
  std::vector<Deletion> deletions;
  for (const py::Argument* a : args) {
    const std::optional<core::Applicability> applicability =
        engine_deletion(site, *a, [&](const sqla::EngineConfig& config) { return rejects(config, *a); });
    if (!applicability) return std::nullopt;
    deletions.push_back(Deletion{a->name, a->removal, *applicability});
  }
  return deletion_fix(std::move(deletions));
}

}  // namespace rules
