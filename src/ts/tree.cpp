// The parent index behind Node::parent(). tree-sitter keeps no parent pointers: ts_node_parent
// descends from the root and scans every ancestor's children for the one that spans the node, so
// one call costs O(siblings x depth). The analysis climbs from identifiers and calls all the time
// (enclosing statement, function, block), and in a module of thousands of top-level statements
// each climb scanned them all: 32% of a real-code run went there (issue #16). The index maps every
// node of a tree to its parent, is built on the first parent() call in one cursor walk, and dies
// with the tree.
#include "ts/tree.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ts {
namespace {

/// Every node of one tree with its parent, sorted by node identity (the address of the node's
/// slot in its parent's child array, unique within a tree: what ts_node_eq compares).
class ParentIndex {
 public:
  explicit ParentIndex(TSNode root) {
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    std::vector<TSNode> ancestors;
    entries_.push_back(Entry{root.id, TSNode{}});
    while (true) {
      const TSNode current = ts_tree_cursor_current_node(&cursor);
      if (ts_tree_cursor_goto_first_child(&cursor)) {
        ancestors.push_back(current);
      } else {
        bool done = false;
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
          if (!ts_tree_cursor_goto_parent(&cursor)) {
            done = true;
            break;
          }
          ancestors.pop_back();
        }
        if (done) break;
      }
      entries_.push_back(Entry{ts_tree_cursor_current_node(&cursor).id, ancestors.back()});
    }
    ts_tree_cursor_delete(&cursor);
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.id < b.id; });
  }

  /// The parent of `node`; false when the node is not in the index.
  bool find(const TSNode& node, TSNode& parent) const {
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), node.id,
                                     [](const Entry& e, const void* id) { return e.id < id; });
    if (it == entries_.end() || it->id != node.id) return false;
    parent = it->parent;
    return true;
  }

 private:
  struct Entry {
    const void* id;
    TSNode parent;  // id == nullptr for the root
  };
  std::vector<Entry> entries_;
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
