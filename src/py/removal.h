#pragma once
// Deleting one element of a comma-separated container (a call's argument list, a dict display)
// so that the rest keeps its formatting: comments, quotes, indentation and a trailing comma stay
// as written. The fix model (core/fix.h) carries these spans to the rules.
#include <vector>

#include "core/fix.h"
#include "core/source_file.h"
#include "ts/tree.h"

namespace py {

/// The elements of one container (an argument_list `(...)` or a dictionary `{...}`: its named
/// children but comments), and the bytes that delete each of them:
///  - an element alone on its line(s) (only blanks before it; its comma, blanks and a comment of
///    its own after it): those whole lines, so the lines around keep their indentation;
///  - the only element: the whole interior, `f(\n  x=1,\n)` becomes `f()`;
///  - another element follows: from the element to the next one (`x=1, `);
///  - the last of several: from the end of the one before (`, x=1`), so a trailing comma stays.
/// A comment between elements is never deleted with another element's text: then only the
/// element and its own comma go.
class Removals {
 public:
  Removals(const core::SourceFile& source, ts::Node container);
  /// The span that deletes element `index` (comments not counted); invalid when the container is
  /// not an argument list or a dict display, or `index` is out of range.
  core::TextSpan span(size_t index) const;

 private:
  const core::SourceFile& source_;
  std::vector<ts::Node> elements_;
  uint32_t open_ = 0;   // after the opening bracket
  uint32_t close_ = 0;  // at the closing bracket
};

}  // namespace py
