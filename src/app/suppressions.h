#pragma once
// Inline suppressions: `# poolaudit: ignore[PA104] -- reason` on a statement's first or last line
// or on its own line above it, `# noqa: PA104` (ruff / flake8 style) on the first or last line,
// and `# poolaudit: file-ignore[PA203]` anywhere in a file.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/finding.h"
#include "core/source_file.h"
#include "rules/rule.h"
#include "ts/tree.h"

namespace app {

/// One suppression comment.
struct Directive {
  enum class Kind : uint8_t { kIgnore, kFileIgnore, kNoqa };
  Kind kind = Kind::kIgnore;
  std::vector<std::string> codes;  ///< as written; empty only for a bare `# noqa` (every rule)
  std::string reason;              ///< the text after `--`
  core::Location where;            ///< the directive inside the comment
  bool own_line = false;           ///< the comment is alone on its line: it applies to the next statement
  /// A trailing comment covers the simple statement it starts or ends (Python; else its own line).
  uint32_t first_line = 0;
  uint32_t last_line = 0;
  uint32_t byte = 0;               ///< offset of the comment's `#`
  std::string problem;             ///< malformed (`ignore` without ids): reported, suppresses nothing
};

/// Suppression comments by display path.
using DirectiveMap = std::map<std::string, std::vector<Directive>>;

/// The suppression comments of a file. A substring search for the markers keeps this cheap;
/// `is_comment(byte)` confirms that the `#` at that offset starts a comment (not a string).
std::vector<Directive> scan_directives(const core::SourceFile& source, const std::function<bool(uint32_t)>& is_comment);

/// Python: comments are tokens the tree knows (a `#` inside a string is not one).
std::vector<Directive> scan_python_directives(const core::SourceFile& source, ts::Node root);

/// ini files: only whole-line `#` / `;` comments (ConfigParser has no inline comments by default).
std::vector<Directive> scan_ini_directives(const core::SourceFile& source);

/// Marks the findings the directives cover as suppressed. Files not scanned in the file phase
/// (YAML, Dockerfiles, ... that project rules report on) are read here when they have findings.
/// Unknown ids (PA004) and, with `report_unused`, suppressions of selected rules that matched
/// nothing (PA005) are added to `diagnostics`.
void apply_suppressions(std::vector<core::Finding>& findings, DirectiveMap& directives,
                        const std::vector<const rules::Rule*>& selected, bool report_unused,
                        std::vector<core::Finding>& diagnostics);

}  // namespace app
