#pragma once
// Helpers shared by rule files: reporting on engine configurations with provenance notes.
#include <algorithm>
#include <string>
#include <vector>
#include <string_view>

#include "core/finding.h"
#include "core/text.h"
#include "sqla/facts.h"

namespace rules {

/// Reports on an engine call, with notes for the configuration's branch conditions.
inline core::Finding& report_engine(core::Sink& out, const sqla::EngineSite& site,
                                    const sqla::EngineConfig& config, std::string message) {
  core::Finding& f = out.report(site.where, std::move(message));
  if (!site.through.empty()) f.notes.push_back(core::Note{site.where, "the engine is created inside " + site.through + "()"});
  for (const core::Note& n : config.branch_notes) f.notes.push_back(n);
  return f;
}

/// Adds a note at an argument: "pool_size=5 passed here" (or "... via **opts").
inline void note_argument(core::Finding& f, const py::Argument& arg, std::string_view what) {
  std::string message = std::string(what);
  if (!arg.via.empty()) message += " (through " + arg.via + ")";
  f.notes.push_back(core::Note{arg.where, std::move(message)});
}

/// Adds a note at where the pool class was chosen.
inline void note_pool(core::Finding& f, const sqla::PoolChoice& pool) {
  if (!pool.origin.valid()) return;
  std::string message = std::string(sqla::pool_name(pool.kind)) + " ";
  message += pool.explicit_class || pool.instance ? "chosen here" : "is " + pool.how;
  f.notes.push_back(core::Note{pool.origin, std::move(message)});
}

/// "; the URL is not resolved; ..." when the rule relies on an assumed pool (PoolChoice::assumed),
/// "" otherwise: a finding that rests on an assumption says which.
inline std::string assumption_suffix(const sqla::PoolChoice& pool) {
  return pool.assumed ? "; " + pool.assumption : std::string();
}

/// The configuration's branch tests for a database kind (`if url.startswith("sqlite")`): the code
/// already chooses by dialect, and the condition's value is not known here, so rules that depend on
/// the dialect stay silent rather than pair the other branch's options with this URL.
inline bool branch_tests_dialect(const sqla::EngineConfig& config, std::string_view dialect) {
  return core::lower(config.branch).find(dialect) != std::string::npos;
}

/// A keyword's value rendered as Python would show it: pool_size=5.
inline std::string show(const py::Argument& arg) { return arg.name + "=" + arg.value->render(); }

/// The engine stays in the function: a plain local name, or not bound at all (used inline or
/// returned). Stored on an attribute or in a container it is a registry or memo, not per call;
/// except `self.engine` in a method of a class instantiated per call (a class dependency, a view).
bool local_engine(const sqla::EngineSite& site, const sqla::EntryPoint* entry);

/// The engine is built anew in a local on every run of an uncached entry point (handler, view,
/// task): its pool dies with the call, so nothing stays idle long enough to go stale (PA111's case).
bool per_invocation_engine(const sqla::FileFacts& file, const sqla::EngineSite& site);

/// Drops one rule's findings at calls of a project wrapper (`clean_tables(engine)` whose body builds
/// the engine) that repeat, word for word, what the rule reports at the engine call inside the
/// wrapper: such a call site contributes nothing, and the wrapper's finding stands for every caller.
/// A call site that forwards the offending value (`make_engine(url, pool_size=5)`) still reports.
void drop_wrapper_repeats(const sqla::ProjectFacts& facts, std::vector<core::Finding>& found);

/// Joins names as 'a', 'b' (SQLAlchemy's own TypeError format).
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace rules
