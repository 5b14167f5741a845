#pragma once
// PA0xx input diagnostics: reported, the file skipped, the rest of the tree still audited.
#include <string>
#include <vector>

#include "core/finding.h"

namespace app {

inline constexpr core::RuleInfo kSyntaxError{
    "PA001", "syntax-error", core::Severity::kError, true,
    "The file has a syntax error; it is audited where the parser recovered",
    "The parser could not read part of this file. poolaudit still audits the parts it could read, "
    "so findings in the broken region may be missing.",
    "Fix the syntax error (python -m py_compile FILE shows it)"};

inline constexpr core::RuleInfo kUnreadable{
    "PA002",
    "unreadable-file",
    core::Severity::kWarning,
    true,
    "The file could not be read as UTF-8 text and was skipped",
    "Binary files, UTF-16/UTF-32 files, files that are not valid UTF-8, files larger than "
    "--max-file-size and files that cannot be opened are skipped; the rest of the tree is audited.",
    "Exclude the file (--exclude) if it is not meant to be audited"};

inline constexpr core::RuleInfo kConfigProblem{
    "PA003", "configuration-problem", core::Severity::kWarning, true,
    "A project file poolaudit reads could not be understood",
    "A project file (alembic.ini, pyproject.toml, ...) could not be parsed; facts from it are missing.",
    "Fix the file's syntax"};

inline constexpr core::RuleInfo kBadSuppression{
    "PA004", "invalid-suppression", core::Severity::kWarning, true,
    "A suppression comment names an unknown rule or has no rule ids",
    "`# poolaudit: ignore[...]` and `# poolaudit: file-ignore[...]` need the ids of the rules they "
    "silence; an unknown id (a typo, a removed rule) silences nothing.",
    "Write the rule ids: # poolaudit: ignore[PA101] -- reason (see --list-rules)"};

inline constexpr core::RuleInfo kUnusedSuppression{
    "PA005", "unused-suppression", core::Severity::kWarning, true,
    "A suppression comment matched no finding (--report-unused-suppressions)",
    "The finding it silenced is gone (fixed, or the code moved); the stale comment would hide a "
    "future finding on that line.",
    "Remove the suppression, or the rule id from it"};

/// A PA0xx diagnostic described by `info` at `where`.
inline core::Finding diagnostic(const core::RuleInfo& info, core::Location where, std::string message) {
  std::vector<core::Finding> one;
  core::Sink(info, one).report(std::move(where), std::move(message));
  return std::move(one.back());
}

/// A PA002 diagnostic for a whole file or directory; `fix` suits the reason (default: the rule's).
inline core::Finding unreadable_diagnostic(const std::string& path, std::string message,
                                           std::string fix = {}) {
  core::Finding f;
  f.code = std::string(kUnreadable.code);
  f.name = std::string(kUnreadable.name);
  f.severity = kUnreadable.severity;
  f.where = core::Location{path, {{1, 1}, {1, 1}}};
  f.message = std::move(message);
  f.fix = fix.empty() ? std::string(kUnreadable.fix) : std::move(fix);
  return f;
}

}  // namespace app
