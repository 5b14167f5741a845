// The parent index behind Node::parent(). tree-sitter keeps no parent pointers: ts_node_parent
// descends from the root and scans every ancestor's children for the one that spans the node, so
// one call costs O(siblings x depth). The analysis climbs from identifiers and calls all the time
// (enclosing statement, function, block), and in a module of thousands of top-level statements
// each climb scanned them all: 32% of a real-code run went there (issue #16). The index maps every
// node of a tree to its parent, is built on the first parent() call in one cursor walk, and dies
// with the tree. The same walk's preorder table serves walk_preorder (tree.h): the analysis walks
// each tree several times, and a cursor descends through the grammar's hidden nodes on every walk.
#include "ts/tree.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ts {
namespace {

/// Every node of one tree in preorder (what a cursor walk from the root visits), each with its
/// parent and the end of its subtree, and the nodes sorted by identity (the address of the node's
/// slot in its parent's child array, unique within a tree: what ts_node_eq compares) for lookups.
class ParentIndex {
 public:
  explicit ParentIndex(TSNode root) {
    using detail::PreorderEntry;
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    std::vector<uint32_t> open;  // the path from the root to the cursor's node
    auto enter = [&](TSNode node) {
      const uint32_t parent = open.empty() ? detail::kNoParent : open.back();
      open.push_back(static_cast<uint32_t>(nodes_.size()));
      nodes_.push_back(PreorderEntry{node, parent, 0});
    };
    enter(root);
    while (true) {
      if (ts_tree_cursor_goto_first_child(&cursor)) {
        enter(ts_tree_cursor_current_node(&cursor));
        continue;
      }
      bool done = false;
      while (true) {
        nodes_[open.back()].end = static_cast<uint32_t>(nodes_.size());
        open.pop_back();
        if (open.empty()) {
          done = true;
          break;
        }
        if (ts_tree_cursor_goto_next_sibling(&cursor)) {
          enter(ts_tree_cursor_current_node(&cursor));
          break;
        }
        if (!ts_tree_cursor_goto_parent(&cursor)) {
          done = true;
          break;
        }
      }
      if (done) break;
    }
    ts_tree_cursor_delete(&cursor);
    by_id_.reserve(nodes_.size());
    for (uint32_t i = 0; i < nodes_.size(); ++i) by_id_.push_back(Key{nodes_[i].node.id, i});
    std::sort(by_id_.begin(), by_id_.end(), [](const Key& a, const Key& b) { return a.id < b.id; });
  }

  /// The position of `node` in the preorder table; false when the node is not in it.
  bool position(const TSNode& node, uint32_t& index) const {
    const auto it = std::lower_bound(by_id_.begin(), by_id_.end(), node.id,
                                     [](const Key& k, const void* id) { return k.id < id; });
    if (it == by_id_.end() || it->id != node.id) return false;
    index = it->index;
    return true;
  }

  /// The parent of `node`; false when the node is not in the index.
  bool find(const TSNode& node, TSNode& parent) const {
    uint32_t index = 0;
    if (!position(node, index)) return false;
    const uint32_t p = nodes_[index].parent;
    parent = p == detail::kNoParent ? TSNode{} : nodes_[p].node;
    return true;
  }

  const detail::PreorderEntry* table() const { return nodes_.data(); }

 private:
  struct Key {
    const void* id;
    uint32_t index;
  };
  std::vector<detail::PreorderEntry> nodes_;
  std::vector<Key> by_id_;
};

/// The indexes of the living trees. Lookups go through a per-thread cache of the last tree,
/// valid while no tree has been deleted since (`generation`): a deleted tree's address may be
/// reused by the next one.
struct Registry {
  std::mutex mutex;
  std::unordered_map<const TSTree*, std::unique_ptr<ParentIndex>> indexes;
  std::atomic<uint64_t> generation{0};
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: trees may outlive static destruction
  return *r;
}

struct CachedIndex {
  const TSTree* tree = nullptr;
  uint64_t generation = 0;
  const ParentIndex* index = nullptr;
};
thread_local CachedIndex cached;

const ParentIndex& index_of(const TSTree* tree, TSNode root) {
  Registry& r = registry();
  const uint64_t generation = r.generation.load(std::memory_order_acquire);
  if (cached.index && cached.tree == tree && cached.generation == generation) return *cached.index;
  const ParentIndex* index = nullptr;
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    if (auto it = r.indexes.find(tree); it != r.indexes.end()) index = it->second.get();
  }
  if (!index) {
    auto built = std::make_unique<ParentIndex>(root);  // outside the lock: O(nodes)
    std::lock_guard<std::mutex> lock(r.mutex);
    index = r.indexes.emplace(tree, std::move(built)).first->second.get();
  }
  cached = CachedIndex{tree, generation, index};
  return *index;
}

}  // namespace

Node Node::parent() const {
  if (null()) return Node();
  const TSTree* tree = node_.tree;
  TSNode parent{};
  if (index_of(tree, ts_tree_root_node(tree)).find(node_, parent)) {
    return parent.id ? Node(parent) : Node();
  }
  return Node(ts_node_parent(node_));  // not a node of the tree's index (never seen)
}

bool Node::preorder(const detail::PreorderEntry*& table, uint32_t& index) const {
  if (null()) return false;
  const TSTree* tree = node_.tree;
  const ParentIndex& parents = index_of(tree, ts_tree_root_node(tree));
  if (!parents.position(node_, index)) return false;
  table = parents.table();
  return true;
}

bool Node::identical(const Node& other) const {
  return node_.id == other.node_.id && node_.tree == other.node_.tree &&
         std::memcmp(node_.context, other.node_.context, sizeof node_.context) == 0;
}

Node slow_parent(Node node) {
  return node.null() ? Node() : Node(ts_node_parent(node.node_));
}

void delete_tree(TSTree* tree) {
  if (!tree) return;
  Registry& r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    r.indexes.erase(tree);
    r.generation.fetch_add(1, std::memory_order_acq_rel);
  }
  ts_tree_delete(tree);
}

}  // namespace ts
