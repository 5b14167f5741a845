#pragma once
// The source excerpt under a text finding, in ruff's "full" style:
//
//      |
//   12 | engine = create_engine(URL, poolclass=NullPool, pool_size=5)
//      |          ^^^^^^^^^^^^^
//      |
#include <cstdint>
#include <string>
#include <string_view>

namespace report {

struct ExcerptColors {
  const char* gutter = "";  ///< the line number and the `|`
  const char* caret = "";   ///< the `^` marks (the finding's severity colour)
  const char* reset = "";
};

/// The excerpt of source line `line_number` (its raw text, without the line break) with carets
/// under columns [begin_column, end_column) (1-based code points; end_column 0: to the end of the
/// line). The text is escaped (core::printable), tabs become spaces, very long lines are cut
/// around the span, and secrets are masked here already so that the carets stay under the span.
std::string render_excerpt(std::string_view line, uint32_t line_number, uint32_t begin_column,
                           uint32_t end_column, const ExcerptColors& colors);

}  // namespace report
