#include "core/interned_path.h"

#include <mutex>
#include <unordered_set>

namespace core {
namespace {

/// Every path interned so far. A node-based set: an element never moves, so the pointers handed
/// out stay valid. Leaked on purpose: facts in static storage may outlive any destructor order.
struct PathTable {
  /// Hashes a std::string and a std::string_view alike: find() takes a view, no copy.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::mutex mutex;
  std::unordered_set<std::string, Hash, std::equal_to<>> paths;
};

PathTable& table() {
  static PathTable* const instance = new PathTable();
  return *instance;
}

}  // namespace

const std::string* InternedPath::intern(std::string_view path) {
  if (path.empty()) return no_path();
  PathTable& t = table();
  const std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.paths.find(path);
  if (it == t.paths.end()) it = t.paths.emplace(path).first;
  return &*it;
}

}  // namespace core
