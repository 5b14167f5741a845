#pragma once
// A thin RAII layer over the tree-sitter C API. Knows nothing about poolaudit or Python.
#include <tree_sitter/api.h>

#include <cstdint>
#include <memory>
#include <string_view>

namespace ts {

/// A syntax node: a cheap value type (copy freely). A null node is falsy.
class Node {
 public:
  Node() : node_{} {}
  explicit Node(TSNode node) : node_(node) {}
  explicit operator bool() const { return !ts_node_is_null(node_); }
  // Error recovery leaves fields empty (`a = b =` at the end of a file): the accessors the
  // analysis calls on a node it did not check are safe on a null node.
  TSSymbol symbol() const { return ts_node_is_null(node_) ? TSSymbol{0} : ts_node_symbol(node_); }
  const char* type() const { return ts_node_is_null(node_) ? "" : ts_node_type(node_); }
  bool is_named() const { return ts_node_is_named(node_); }
  bool is_error() const { return ts_node_is_error(node_); }
  bool is_missing() const { return ts_node_is_missing(node_); }
  bool has_error() const { return ts_node_has_error(node_); }
  uint32_t start_byte() const { return ts_node_start_byte(node_); }
  uint32_t end_byte() const { return ts_node_end_byte(node_); }
  uint32_t child_count() const { return ts_node_is_null(node_) ? 0 : ts_node_child_count(node_); }
  uint32_t named_child_count() const { return ts_node_is_null(node_) ? 0 : ts_node_named_child_count(node_); }
  Node child(uint32_t i) const { return Node(ts_node_child(node_, i)); }
  Node named_child(uint32_t i) const { return Node(ts_node_named_child(node_, i)); }
  Node field(TSFieldId id) const {
    return ts_node_is_null(node_) ? Node() : Node(ts_node_child_by_field_id(node_, id));
  }
  const char* field_name_for_child(uint32_t i) const {
    return ts_node_field_name_for_child(node_, i);
  }
  Node parent() const { return Node(ts_node_parent(node_)); }
  Node next_named_sibling() const { return Node(ts_node_next_named_sibling(node_)); }
  std::string_view text(std::string_view source) const {
    const uint32_t b = start_byte();
    const uint32_t e = end_byte();
    if (b > source.size() || e > source.size() || e < b) return {};
    return source.substr(b, e - b);
  }
  const TSNode& raw() const { return node_; }
  bool operator==(const Node& other) const { return ts_node_eq(node_, other.node_); }

 private:
  TSNode node_;
};

/// An owned syntax tree.
class Tree {
 public:
  explicit Tree(TSTree* tree) : tree_(tree, &ts_tree_delete) {}
  Node root() const { return Node(ts_tree_root_node(tree_.get())); }
  explicit operator bool() const { return tree_ != nullptr; }

 private:
  std::unique_ptr<TSTree, decltype(&ts_tree_delete)> tree_;
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
  std::unique_ptr<TSParser, decltype(&ts_parser_delete)> parser_{ts_parser_new(), &ts_parser_delete};
};

}  // namespace ts
