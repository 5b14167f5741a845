#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fix.h"
#include "core/location.h"
#include "core/role.h"

namespace core {

enum class Severity { kInfo, kWarning, kError };

/// "info" / "warning" / "error".
std::string_view severity_name(Severity severity);
/// Parses "info" / "warning" / "error".
std::optional<Severity> parse_severity(std::string_view text);

/// A secondary location that explains a finding: where a value came from, which branch.
struct Note {
  Location where;
  std::string message;
  friend bool operator==(const Note&, const Note&) = default;
};

/// One reported problem (a rule finding, or a PA0xx input diagnostic).
struct Finding {
  std::string code;      ///< "PA101"
  std::string name;      ///< "nullpool-pool-sizing"
  Severity severity = Severity::kWarning;
  Location where;        ///< anchored on the first line of the offending statement or call
  std::string message;   ///< one sentence: the consequence; no trailing period
  std::string fix;       ///< how to fix it
  std::optional<Fix> autofix;  ///< the edits that fix it (core/fix.h), when the rule can offer them
  std::vector<Note> notes;
  // Stable identity for baselines and SARIF fingerprints (no line numbers): filled centrally
  // after the rules ran, from the facts' function ranges and the finding's first note.
  std::string scope;     ///< enclosing "Class.method" / "function"; "" at module level
  std::string subject;   ///< the offending keyword or name ("pool_size"), "" when none
  bool suppressed = false;
  std::string suppression;  ///< how: "ignore", "noqa", "file-ignore", "baseline"; "" when not suppressed
  friend bool operator==(const Finding&, const Finding&) = default;
};

/// True when a rule selector (`--select`, `ignore`, `per-file-ignores`) chooses the rule with this
/// code and name: `ALL`, a code or code prefix (`PA1`), or the rule's name, in any case
/// (`pa101`, `NullPool-Pool-Sizing`), as ruff accepts them.
bool selector_matches(std::string_view selector, std::string_view code, std::string_view name);

/// The rule documentation page of `code`: `base` with `{code}` replaced, or, without `{code}`,
/// `base` + "/" + code + ".md" (a docs/rules/ directory). "" for PA0xx input diagnostics and an
/// empty base.
std::string rule_doc_url(std::string_view base, std::string_view code);

/// Orders by (path, line, column, code, message): the one output order.
bool finding_less(const Finding& a, const Finding& b);

/// Static description of a rule (or diagnostic): what it is called and why it exists.
struct RuleInfo {
  std::string_view code;         ///< permanent id, "PA101"
  std::string_view name;         ///< kebab-case label, "nullpool-pool-sizing"
  Severity severity;             ///< default severity
  bool default_on;               ///< selected without --select
  std::string_view summary;      ///< one line
  std::string_view explanation;  ///< why, example, fix, when it is not reported (Markdown)
  std::string_view fix;          ///< the default fix hint
  RoleSet roles = kAllRoles;     ///< the file roles it reports in (the file a
                                 ///< finding is anchored in)
  std::string_view roles_reason =
      {}; ///< why those roles (rendered in the rule's documentation)
  FixAvailability fix_availability = FixAvailability::kNone;  ///< what the rule's autofix offers
  /// "Safe when ...; unsafe when ...; none when ..., because ...": rendered as the documentation's
  /// autofix line ("" with kNone: the page says no autofix is offered).
  std::string_view fix_safety = {};
};

/// Collects the findings of one rule for one file (or the project); a rule cannot mis-tag them.
class Sink {
 public:
  Sink(const RuleInfo& info, std::vector<Finding>& out) : info_(info), out_(out) {}
  /// Adds a finding with the rule's code, name, default severity and fix.
  Finding& report(Location where, std::string message);
  const RuleInfo& info() const { return info_; }

 private:
  const RuleInfo& info_;
  std::vector<Finding>& out_;
};

}  // namespace core
