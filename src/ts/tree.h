#pragma once
// A thin RAII layer over the tree-sitter C API. Knows nothing about poolaudit
// or Python.
//
// Null nodes are the one hazard of the C API: error recovery leaves fields
// empty (`a = b =` at the end of a file, `class g(f()():`), and most ts_node_*
// functions dereference the node's subtree without a check. Every accessor here
// answers for a null node (0, "", false or another null node), so no caller has
// to remember to test, and code outside this file never calls ts_node_* or
// ts_tree_cursor_* directly.
#include <tree_sitter/api.h>

#include <cstdint>
#include <memory>
#include <string_view>

namespace ts {

namespace detail {
/// One node of a tree's preorder table (tree.cpp): its parent's and its subtree's end positions
/// in the table.
struct PreorderEntry {
  TSNode node;
  uint32_t parent;  ///< kNoParent for the root
  uint32_t end;     ///< one past the last node of its subtree
};
constexpr uint32_t kNoParent = UINT32_MAX;
}  // namespace detail

/// A row/column position (0-based, columns in bytes), as tree-sitter counts
/// them.
struct Point {
  uint32_t row = 0;
  uint32_t column = 0;
};

/// A syntax node: a cheap value type (copy freely). A null node is falsy, and
/// every accessor is safe on it.
class Node {
 public:
  Node() : node_{} {}
  explicit Node(TSNode node) : node_(node) {}
  explicit operator bool() const { return !null(); }
  TSSymbol symbol() const { return null() ? TSSymbol{0} : ts_node_symbol(node_); }
  const char* type() const { return null() ? "" : ts_node_type(node_); }
  bool is_named() const { return !null() && ts_node_is_named(node_); }
  bool is_error() const { return !null() && ts_node_is_error(node_); }
  bool is_missing() const { return !null() && ts_node_is_missing(node_); }
  bool has_error() const { return !null() && ts_node_has_error(node_); }
  uint32_t start_byte() const { return null() ? 0 : ts_node_start_byte(node_); }
  uint32_t end_byte() const { return null() ? 0 : ts_node_end_byte(node_); }
  Point start_point() const { return null() ? Point{} : point(ts_node_start_point(node_)); }
  Point end_point() const { return null() ? Point{} : point(ts_node_end_point(node_)); }
  uint32_t child_count() const { return null() ? 0 : ts_node_child_count(node_); }
  uint32_t named_child_count() const { return null() ? 0 : ts_node_named_child_count(node_); }
  Node child(uint32_t i) const { return null() ? Node() : Node(ts_node_child(node_, i)); }
  Node named_child(uint32_t i) const {
    return null() ? Node() : Node(ts_node_named_child(node_, i));
  }
  Node field(TSFieldId id) const {
    return null() ? Node() : Node(ts_node_child_by_field_id(node_, id));
  }
  /// The field name of child `i`, or nullptr (also on a null node).
  const char* field_name_for_child(uint32_t i) const {
    return null() ? nullptr : ts_node_field_name_for_child(node_, i);
  }
  /// The parent (null for the root). tree-sitter finds a parent by descending from the root,
  /// scanning each ancestor's children: O(siblings x depth) per call, so a node of a module with
  /// thousands of statements cost thousands of steps, and climbing from every identifier made
  /// the analysis quadratic in the module's size. Answered from a per-tree index (tree.cpp),
  /// built on the first call in O(nodes).
  Node parent() const;
  Node next_named_sibling() const {
    return null() ? Node() : Node(ts_node_next_named_sibling(node_));
  }
  /// The preorder table of the node's tree (built on first use with the parent index, tree.cpp)
  /// and the node's position in it; false when the node is not in it.
  bool preorder(const detail::PreorderEntry*& table, uint32_t& index) const;
  /// The smallest node spanning [begin, end), or null.
  Node descendant_for_byte_range(uint32_t begin, uint32_t end) const {
    return null() ? Node() : Node(ts_node_descendant_for_byte_range(node_, begin, end));
  }
  std::string_view text(std::string_view source) const {
    const uint32_t b = start_byte();
    const uint32_t e = end_byte();
    if (b > source.size() || e > source.size() || e < b) return {};
    return source.substr(b, e - b);
  }
  bool operator==(const Node& other) const { return ts_node_eq(node_, other.node_); }
  /// The same node with the same position and alias (operator== compares identity only).
  bool identical(const Node& other) const;

 private:
  friend class Cursor;
  friend Node slow_parent(Node node);
  bool null() const { return ts_node_is_null(node_); }
  static Point point(TSPoint p) { return Point{p.row, p.column}; }
  TSNode node_;
};

/// A tree cursor from a node (RAII). On a null node it is empty: node() is null
/// and every move fails.
class Cursor {
 public:
  explicit Cursor(Node root) : empty_(!root) {
    if (!empty_) cursor_ = ts_tree_cursor_new(root.node_);
  }
  ~Cursor() {
    if (!empty_) ts_tree_cursor_delete(&cursor_);
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  Node node() const { return empty_ ? Node() : Node(ts_tree_cursor_current_node(&cursor_)); }
  bool goto_first_child() { return !empty_ && ts_tree_cursor_goto_first_child(&cursor_); }
  bool goto_next_sibling() { return !empty_ && ts_tree_cursor_goto_next_sibling(&cursor_); }
  bool goto_parent() { return !empty_ && ts_tree_cursor_goto_parent(&cursor_); }
  /// Moves to the first child that extends beyond `byte`; false when there is
  /// none.
  bool goto_first_child_for_byte(uint32_t byte) {
    return !empty_ && ts_tree_cursor_goto_first_child_for_byte(&cursor_, byte) >= 0;
  }

 private:
  bool empty_;
  TSTreeCursor cursor_{};
};

/// Visits `root` and the nodes below it in source order without recursion
/// (generated code nests deeper than the native stack allows); `visit(node)`
/// returns false to skip the node's subtree. A null root visits nothing.
/// The nodes come from the tree's preorder table: a cursor walk descends through
/// the hidden nodes of the grammar each time, and the analysis walks each tree
/// several times (issue #16); the table is built once per tree.
template <typename Visit>
void walk_preorder(Node root, Visit&& visit) {
  if (!root) return;
  const detail::PreorderEntry* table = nullptr;
  uint32_t index = 0;
  if (root.preorder(table, index)) {
    const uint32_t end = table[index].end;
    while (index < end) index = visit(Node(table[index].node)) ? index + 1 : table[index].end;
    return;
  }
  Cursor cursor(root);
  while (true) {
    if (visit(cursor.node()) && cursor.goto_first_child()) continue;
    while (!cursor.goto_next_sibling()) {
      if (!cursor.goto_parent()) return;
    }
  }
}

/// Deletes a tree and the parent index built for it (tree.cpp).
void delete_tree(TSTree* tree);

/// The parent tree-sitter itself computes (a descent from the root): for tests of the index.
Node slow_parent(Node node);

/// An owned syntax tree.
class Tree {
 public:
  explicit Tree(TSTree* tree) : tree_(tree, &delete_tree) {}
  Node root() const { return tree_ ? Node(ts_tree_root_node(tree_.get())) : Node(); }
  explicit operator bool() const { return tree_ != nullptr; }

 private:
  std::unique_ptr<TSTree, decltype(&delete_tree)> tree_;
};

/// An owned parser for one language; one per thread.
class Parser {
 public:
  /// Returns false when the language's ABI is not supported by this runtime.
  bool set_language(const TSLanguage* language) {
    return ts_parser_set_language(parser_.get(), language);
  }
  /// Parses UTF-8 text; returns an empty tree only when parsing was cancelled.
  Tree parse(std::string_view text) {
    return Tree(ts_parser_parse_string(parser_.get(), nullptr, text.data(),
                                       static_cast<uint32_t>(text.size())));
  }

 private:
  std::unique_ptr<TSParser, decltype(&ts_parser_delete)> parser_{ts_parser_new(),
                                                                 &ts_parser_delete};
};

}  // namespace ts
