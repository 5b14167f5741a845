#pragma once
// Building fixes (core/fix.h) from the spans the facts carry. A rule decides what to delete and
// how safe that is; these helpers turn the choice into edits and never touch a syntax tree.
//
// Where a keyword is written decides the applicability of deleting it (issue 15, and each rule's
// "Autofix" line):
//   - at the engine call itself, directly or in a dict display inside the call's parentheses
//     (`connect_args={...}`, `**{...}`), or in a dict only this call reads (`OPTS = {...}` whose
//     one read is the call's `**OPTS`, in a module no other file imports: sqla::OwnDict): safe,
//     when every branch of the call that passes it is one the rule reports (an `if` choosing
//     QueuePool in another branch keeps its meaning);
//   - at a call of a project wrapper that forwards its `**kwargs` to the engine call and reads them
//     nowhere else (`make_engine(URL, pool_size=5)` over `def make_engine(url, **kw): return
//     create_engine(url, **kw)`): safe on the same branch condition, the keyword reaches only the
//     engine that call builds;
//   - anywhere else in the finding's file (a dict other code also reads, or in a module other
//     files import, a keyword at a call of a wrapper that reads its keywords): unsafe, the edit is made at that
//     shared place and changes every other call that uses it;
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

/// `span` lies in a dict only this engine call reads: the call's `**NAME` carries the bytes of
/// `NAME = {...}` as its value when nothing else in the file reads NAME and no other file may
/// import the module (sqla/edit_anchors.cpp collect_own_dicts, app/project_facts.cpp).
inline bool in_own_dict(const sqla::FileFacts& file, const sqla::EngineSite& site, const core::TextSpan& span) {
  const sqla::CallLayout* call = file.anchors.call_at(site.where.range.begin);
  if (!call || !span.valid()) return false;
  return std::any_of(call->args.begin(), call->args.end(), [&](const sqla::ArgumentSpan& a) {
    return a.name == "**" && a.value_begin != a.begin && span.begin >= a.value_begin && span.end <= a.value_end;
  });
}

/// The wrapper `site` goes through (`make_engine(URL, pool_size=5)`) hands the keywords that reach
/// it by `via` ("**kw") to its engine call and nothing else reads them: the wrapper's `**kw` splat
/// carries its parameter's bytes as its value (sqla/edit_anchors.cpp mark_forwarded_kwargs).
inline bool forwarded_only(const sqla::ProjectFacts& project, const sqla::EngineSite& site, const std::string& via) {
  if (site.through.empty() || via.rfind("**", 0) != 0) return false;
  for (const sqla::FileFacts& f : project.files) {
    if (f.path != site.wrapped_site.path) continue;
    const sqla::CallLayout* call = f.anchors.call_at(site.wrapped_site.range.begin);
    if (!call) return false;
    return std::any_of(call->args.begin(), call->args.end(), [&](const sqla::ArgumentSpan& a) {
      return a.name == "**" && a.value_begin != a.begin && call->text.compare(a.begin - call->begin, a.end - a.begin, via) == 0;
    });
  }
  return false;
}

/// How safe deleting `removal` (written in the file at `path`) is at an engine call: nullopt when
/// no fix can be offered. `passes(config)`: the configuration holds what `removal` deletes;
/// `rejects(config)`: the rule reports it there. Safe needs every configuration that passes it
/// rejected, the span inside the call's own parentheses and no project wrapper in between.
template <typename Passes, typename Rejects>
std::optional<core::Applicability> span_deletion(const sqla::ProjectFacts& project, const sqla::FileFacts& file,
                                                 const sqla::EngineSite& site, const core::TextSpan& removal,
                                                 const std::string& path, Passes&& passes, Rejects&& rejects,
                                                 const std::string& via = {}) {
  if (!removal.valid() || path != site.where.path) return std::nullopt;
  const bool own = site.through.empty()
                       ? inside(removal, site.arguments) || in_own_dict(file, site, removal)
                       : inside(removal, site.arguments) && forwarded_only(project, site, via);
  if (!own) return core::Applicability::kUnsafe;
  for (const sqla::EngineConfig& config : site.configs) {
    if (passes(config) && !rejects(config)) return core::Applicability::kUnsafe;
  }
  return core::Applicability::kSafe;
}

/// How safe deleting where `arg` was written is, at an engine call: nullopt when no fix can be
/// offered (see the header). `every_branch_rejects(config)` says whether a configuration of the
/// call is one the rule reports for this keyword; the configurations that pass the same written
/// keyword must all be, for the deletion to be safe.
template <typename Rejects>
std::optional<core::Applicability> engine_deletion(const sqla::ProjectFacts& project, const sqla::FileFacts& file,
                                                   const sqla::EngineSite& site, const py::Argument& arg,
                                                   Rejects&& rejects) {
  return span_deletion(
      project, file, site, arg.removal, arg.where.path,
      [&](const sqla::EngineConfig& config) {
        return std::any_of(config.keywords.begin(), config.keywords.end(),
                           [&](const py::Argument& k) { return k.removal == arg.removal; });
      },
      rejects, arg.via);
}

/// The fix deleting `args` (keywords of one engine configuration) from `site`; nullopt when one of
/// them cannot be deleted in the finding's file: a partial fix would leave the failure in place.
template <typename Rejects>
std::optional<core::Fix> engine_arguments_fix(const sqla::ProjectFacts& project, const sqla::FileFacts& file,
                                              const sqla::EngineSite& site,
                                              const std::vector<const py::Argument*>& args, Rejects&& rejects) {
  std::vector<Deletion> deletions;
  for (const py::Argument* a : args) {
    const std::optional<core::Applicability> applicability =
        engine_deletion(project, file, site, *a, [&](const sqla::EngineConfig& config) { return rejects(config, *a); });
    if (!applicability) return std::nullopt;
    deletions.push_back(Deletion{a->name, a->removal, *applicability});
  }
  return deletion_fix(std::move(deletions));
}

}  // namespace rules
