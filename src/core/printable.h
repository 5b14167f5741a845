#pragma once
// Text that reaches a terminal, a CI log or a Markdown page: nothing in it can
// move the cursor, change colours, start a new line or a GitHub workflow
// command (`\n::error ...`), or reorder the characters around it (bidirectional
// overrides). Source-derived strings (messages, notes, URLs, snippets) and file
// names go through here in the text, Markdown and GitHub reporters.
#include <string>
#include <string_view>

#include "core/report.h"

namespace core {

/// `bytes` as valid UTF-8: each byte that is not part of a well-formed UTF-8
/// sequence is written as `\xNN` (upper-case hex), like Python's
/// "backslashreplace"; valid text is unchanged. Stable and distinct for
/// different byte strings, so it can name a file in JSON, SARIF, GitLab
/// reports, baseline keys and fingerprints.
std::string lossy_utf8(std::string_view bytes);

/// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates,
/// nothing above U+10FFFF).
bool valid_utf8(std::string_view bytes);

/// `text` with control characters made visible: `\n`, `\r`, `\t`, other C0 and
/// DEL as `\xNN`, C1 controls, U+2028/U+2029 and the bidirectional controls
/// (U+200E/F, U+202A-E, U+2066-9) as
/// `\u{NNNN}`, and bytes that are not UTF-8 as `\xNN`. Everything else,
/// backslashes included, is unchanged, so ordinary text reads as before.
std::string printable(std::string_view text);

/// printable() for each line of a multi-line text (its '\n' stay line breaks):
/// --dump-facts output quotes source text line by line.
std::string printable_lines(std::string_view text);

/// A copy of `report` with every string that came from the project (paths,
/// messages, notes, fix hints, inventory, deployment context, check details,
/// the root) passed through printable().
Report printable_report(const Report& report);

}  // namespace core
