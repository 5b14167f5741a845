#pragma once
// Finding identity (scope, subject) and baselines for adopting poolaudit on an existing codebase:
// findings recorded by rule, path, scope and subject with counts, never line numbers, so edits
// elsewhere in a file do not bring old findings back and one more of the same kind is reported.
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/finding.h"
#include "sqla/facts.h"

namespace app {

/// Fills Finding::scope from the files' scope spans and Finding::subject from what the rule
/// names: the keyword of the first "kw=... passed here" / "kw set here" note (the pool class of
/// "NullPool chosen here"), else the first
/// `name` in backticks in the message; "" when neither.
void assign_identity(std::vector<core::Finding>& findings, const sqla::ProjectFacts& facts);

/// A baseline file: counts per (rule, path relative to the file's directory, scope, subject).
struct Baseline {
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::string file;
  std::string
      dir;  ///< absolute directory the paths are relative to (lossy UTF-8, as display paths)
  std::map<Key, size_t> counts;
  /// The key of a finding (its path made relative to the baseline's directory).
  Key key(const core::Finding& finding) const;
};

/// Reads a baseline; a missing or malformed file is nullopt with `error` set (exit 2).
std::optional<Baseline> load_baseline(const std::string& file, std::string& error);

/// Marks findings the baseline covers as suppressed ("baseline"), up to each key's count, in
/// report order: a finding beyond the count is still reported.
void apply_baseline(const Baseline& baseline, std::vector<core::Finding>& findings);

/// Writes the unsuppressed (and baselined) findings to `file` as a baseline.
bool write_baseline(const std::string& file, const std::vector<core::Finding>& findings, size_t& written,
                    std::string& error);

}  // namespace app
