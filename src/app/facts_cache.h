#pragma once
// The persistent facts cache (issue #16, pre-commit latency): what the file phase keeps of each
// Python file, stored under the project root's .poolaudit_cache/ (ruff's and mypy's layout: a
// CACHEDIR.TAG, a .gitignore of `*`), so that a warm run re-reads and re-analyses only the files
// that changed. One entry file per Python file, written to a temporary file and renamed: runs
// may share the directory; an entry that is torn, corrupt, of another format or another file is
// ignored and rewritten. Entries are never trusted beyond their key and content hash.
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <optional>
#include <string>

#include "app/facts_cache_format.h"
#include "app/walk.h"
#include "sqla/facts.h"

namespace app {

/// What stat says of a file: with all four unchanged, its content is taken as unchanged.
struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  bool valid() const { return mtime_ns != 0 || ctime_ns != 0; }
};

/// The stamp of `path`; invalid when stat fails, or when the file changed so recently that a
/// further change in the same clock tick would not show (git's "racy" entries): such a file is
/// hashed again next time.
FileStamp stamp_file(const std::string& path);

/// True when the entry was stamped with exactly `stamp`.
bool stamp_matches(const CacheEntry& entry, const FileStamp& stamp);
void set_stamp(CacheEntry& entry, const FileStamp& stamp);

class FactsCache {
 public:
  /// The cache in `dir`, created with its CACHEDIR.TAG and .gitignore when missing; null when it
  /// cannot be created (a read-only checkout audits without a cache, it does not fail).
  static std::unique_ptr<FactsCache> open(const std::string& dir);

  /// The entry key of `file`: everything besides its content that its cached pieces depend on.
  std::string key(const InputFile& file, const sqla::ProjectContext& context) const;
  /// The entry of `key`: the one parked for it this run, else the one on disk.
  std::optional<CacheEntry> load(const std::string& key) const;
  /// Keeps `entry` for this run's next load of `key`, so that no file's entry is read twice in a
  /// run: a file the first pass only scans may be analysed by a later one (the modules that
  /// relevant files import), and its analysis, still encoded, comes from here.
  void park(const std::string& key, CacheEntry entry) const;
  /// Drops the entries no later pass took (at the end of the file phase).
  void drop_parked() const;
  /// Writes atomically (temporary file, rename); a failure leaves the cache as it was.
  void store(const std::string& key, const CacheEntry& entry) const;

  const std::string& dir() const { return dir_; }

  /// This run's answer, per entry, to "does the file name one of these wrappers" (remembered when
  /// an entry is loaded or stored), so the second pass need not load every entry again just to
  /// learn that a file names none. nullopt: not known for `wrappers_key`.
  std::optional<bool> names_wrapper(const std::string& key, uint64_t wrappers_key) const;
  /// Remembers `entry`'s answer (an entry that describes the file's current content).
  void remember(const std::string& key, const CacheEntry& entry) const;

 private:
  explicit FactsCache(std::string dir, std::string build) : dir_(std::move(dir)), build_(std::move(build)) {}
  std::string path_of(const std::string& key) const;
  std::string dir_;
  std::string build_;  ///< the tool's identity, part of every key
  mutable std::mutex memo_mutex_;
  mutable std::unordered_map<std::string, std::pair<uint64_t, bool>> memo_;  ///< key -> wrappers key, names one
  mutable std::mutex parked_mutex_;
  mutable std::unordered_map<std::string, CacheEntry> parked_;
};

/// The default cache directory: `.poolaudit_cache` in the project root, else in the current
/// directory (as ruff does).
std::string default_cache_dir(const std::string& project_root);

/// A non-zero hash of the wrappers, for the second pass's entries.
uint64_t wrappers_key(const std::vector<sqla::Wrapper>& wrappers);

}  // namespace app
