#pragma once
// The fix model: a finding may carry one Fix, a list of text edits in the finding's own file.
//
// How a rule attaches a fix. A rule never sees a tree-sitter node, so the facts carry the byte
// spans a fix needs, computed in the semantic layer where the tree is known:
//   - py::Argument::removal   the bytes that delete a keyword from its call (the keyword, its
//                             separating comma, its whole line when it stands alone on one);
//                             a `**opts` argument carries the removal of its dict entry instead.
//   - py::DictEntry::removal  the same for an entry of a dict display or a dict(...) call.
//   - sqla::EngineSite::arguments  the engine call's argument list, parentheses included.
//   - sqla::SessionAutocommit::removal  the `autocommit=` keyword of a session factory call.
// The rule builds a core::Fix from those spans (rules/fixes.h has the helpers: remove_arguments,
// removal_fix) and sets `finding.autofix`:
//
//   core::Finding& f = report_engine(out, site, config, message);
//   f.autofix = removal_fix("Remove `pool_size`", given, site, applicability);
//
// Edits are byte offsets into the file's text as the analysis read it (a UTF-8 BOM stripped,
// which the application adds back), with the same span as 1-based line/column for output. All
// edits of one fix are applied together or not at all; they must not overlap each other. A fix is
// kSafe when it keeps the program's behaviour apart from removing the failure the finding
// describes; kUnsafe when it may change what the program does (applied with --unsafe-fixes only).
// The application (src/app/fix_*.cpp) applies non-overlapping fixes in rounds, re-parses and
// re-audits, and drops an edit that leaves a syntax error or adds a finding.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/location.h"

namespace core {

/// A byte range [begin, end) of a file's text, with the same range as 1-based line/column.
struct TextSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  SourceRange range;
  bool valid() const { return range.valid(); }
  friend bool operator==(const TextSpan&, const TextSpan&) = default;
};

/// Replace the bytes of `span` by `replacement` (empty: a deletion; an empty span: an insertion).
struct Edit {
  TextSpan span;
  std::string replacement;
  friend bool operator==(const Edit&, const Edit&) = default;
};

enum class Applicability {
  kSafe,    ///< keeps the program's behaviour; applied by --fix
  kUnsafe,  ///< may change behaviour; applied with --unsafe-fixes only
};

/// "safe" / "unsafe".
std::string_view applicability_name(Applicability applicability);

/// One fix: the edits that together resolve a finding, in the finding's file.
struct Fix {
  std::string title;  ///< imperative, short: "Remove `pool_size`"
  Applicability applicability = Applicability::kSafe;
  std::vector<Edit> edits;  ///< sorted by span.begin, non-overlapping
  friend bool operator==(const Fix&, const Fix&) = default;
};

/// What a rule can offer (its documentation and `--list-rules --format json` show it).
enum class FixAvailability {
  kNone,       ///< never fixed automatically
  kSometimes,  ///< fixed when the facts allow it (the value is written at the call, ...)
  kAlways,     ///< every finding carries a fix
};

/// "none" / "sometimes" / "always".
std::string_view fix_availability_name(FixAvailability availability);

}  // namespace core
