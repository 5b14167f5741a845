#pragma once
// Iterating a node's children in one pass. tree-sitter's ts_node_named_child(i) walks the node's
// children from the first one on every call, so `for i: named_child(i)` over a block of thousands of
// statements, a dictionary display of thousands of pairs or a long argument list is quadratic in
// the number of children (issue #16: CPU per line grew with module size). A cursor visits each
// child once; it allocates, so a node with few children keeps the indexed loop.
#include <cstdint>

#include "ts/tree.h"

namespace py {

/// Calls `visit(child)` for each named child of `node`, in order (comments included, as
/// named_child(i) gives them).
template <typename Visit>
void for_each_named_child(ts::Node node, Visit&& visit) {
  constexpr uint32_t kIndexedUpTo = 8;
  const uint32_t count = node.named_child_count();
  if (count <= kIndexedUpTo) {
    for (uint32_t i = 0; i < count; ++i) visit(node.named_child(i));
    return;
  }
  ts::Cursor cursor(node);
  if (!cursor.goto_first_child()) return;
  do {
    const ts::Node child = cursor.node();
    if (child.is_named()) visit(child);
  } while (cursor.goto_next_sibling());
}

}  // namespace py
