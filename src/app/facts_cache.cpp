#include "app/facts_cache.h"

#include "app/output_file.h"

#include "app/read_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
// Header-only (XXH_INLINE_ALL): no libxxhash for the dynamic loader to map at start-up.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "sqla/roles.h"

#ifndef POOLAUDIT_VERSION
#define POOLAUDIT_VERSION "0.0.0"
#endif

namespace app {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCacheDirTag =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by poolaudit.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n";

/// Writes `bytes` to `path` unless it exists (a concurrent run may have written it: same bytes).
bool write_once(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  if (fs::exists(path, ec)) return true;
  const fs::path temp = path.string() + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary);
    if (!(out << bytes)) return false;
  }
  fs::rename(temp, path, ec);
  if (ec) fs::remove(temp, ec);
  return true;
}

/// The binary's identity besides its version: a development build changes the analysis without
/// changing the version, and its old entries must not survive a rebuild. A released binary keeps
/// its size and modification time, so this costs nothing there.
std::string build_identity() {
  std::string out = std::string(POOLAUDIT_VERSION) + "/" + std::to_string(kFactsCacheFormat);
  struct stat st {};
  if (::stat("/proc/self/exe", &st) == 0) {
    out += "/" + std::to_string(st.st_size) + "/" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
  }
  return out;
}

int64_t nanoseconds(const struct timespec& t) { return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec; }

}  // namespace

FileStamp stamp_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  FileStamp stamp{static_cast<uint64_t>(st.st_size), nanoseconds(st.st_mtim), nanoseconds(st.st_ctim),
                  static_cast<uint64_t>(st.st_ino)};
  // A file written within the last two seconds may be written again within the same timestamp
  // granularity (coarse on some file systems) after it was read: not stamped, hashed next time.
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  constexpr int64_t kRacyNs = 2'000'000'000;
  if (stamp.mtime_ns > now - kRacyNs || stamp.ctime_ns > now - kRacyNs) return {};
  return stamp;
}

bool stamp_matches(const CacheEntry& entry, const FileStamp& stamp) {
  return stamp.valid() && entry.size == stamp.size && entry.mtime_ns == stamp.mtime_ns &&
         entry.ctime_ns == stamp.ctime_ns && entry.inode == stamp.inode;
}

void set_stamp(CacheEntry& entry, const FileStamp& stamp) {
  entry.size = stamp.size;
  entry.mtime_ns = stamp.mtime_ns;
  entry.ctime_ns = stamp.ctime_ns;
  entry.inode = stamp.inode;
}

std::unique_ptr<FactsCache> FactsCache::open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) return nullptr;
  // As ruff and mypy: backup tools skip the directory, git ignores it without a .gitignore entry.
  if (!write_once(fs::path(dir) / "CACHEDIR.TAG", kCacheDirTag)) return nullptr;
  if (!write_once(fs::path(dir) / ".gitignore", "# Created by poolaudit automatically.\n*\n")) return nullptr;
  return std::unique_ptr<FactsCache>(new FactsCache(dir, build_identity()));
}

std::string FactsCache::key(const InputFile& file, const sqla::ProjectContext& context) const {
  // Besides the content hash (checked against the entry), a file's pieces depend on:
  // - the tool: its version, the entry format and the build (build_identity());
  // - display_path: every Location of the facts and diagnostics names it; relevant_path() and
  //   Alembic's env.py test read it;
  // - module_name and is_package: the facts' qualified names, the scan's absolute imports;
  // - the path the role is classified on (role_path: the path relative to its audit root), which
  //   is all analyze_python() reads of the ProjectContext (FactsBuilder keeps the context but reads
  //   none of it: a future reader of its versions or configured keys must add them here).
  // Not in it: module_aliases (set on the facts after the analysis, from the walk); the file
  // index and the ModuleIndex (imports are cached as names and resolved each run); max_size
  // (an entry exists only for a file that was read whole, and a stamp larger than the limit is not
  // trusted); the project wrappers (the second pass keys its piece on them, CacheEntry::wrapped).
  std::string key = build_;
  for (const std::string_view part :
       {std::string_view(file.display_path), std::string_view(file.module_name), std::string_view(file.is_package ? "1" : "0"),
        sqla::role_path(context.audit_roots, file.display_path)}) {
    key += '\0';
    key += part;
  }
  return key;
}

std::string FactsCache::path_of(const std::string& key) const {
  const XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  char name[40];
  std::snprintf(name, sizeof(name), "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return dir_ + "/" + name;
}

std::optional<CacheEntry> FactsCache::load(const std::string& key) const {
  {
    const std::lock_guard<std::mutex> lock(parked_mutex_);
    if (const auto it = parked_.find(key); it != parked_.end()) {
      CacheEntry entry = std::move(it->second);
      parked_.erase(it);
      return entry;
    }
  }
  std::optional<std::string> bytes = read_regular_file(path_of(key), 1u << 30);
  if (!bytes) return std::nullopt;
  return decode_cache_entry(std::make_shared<const std::string>(std::move(*bytes)), key);
}

void FactsCache::park(const std::string& key, CacheEntry entry) const {
  const std::lock_guard<std::mutex> lock(parked_mutex_);
  parked_.insert_or_assign(key, std::move(entry));
}

void FactsCache::drop_parked() const {
  const std::lock_guard<std::mutex> lock(parked_mutex_);
  parked_.clear();
}

void FactsCache::remember(const std::string& key, const CacheEntry& entry) const {
  const std::lock_guard<std::mutex> lock(memo_mutex_);
  if (entry.wrappers_key == 0) {
    memo_.erase(key);
  } else {
    memo_[key] = {entry.wrappers_key, entry.names_wrapper};
  }
}

std::optional<bool> FactsCache::names_wrapper(const std::string& key, uint64_t wrappers_key) const {
  const std::lock_guard<std::mutex> lock(memo_mutex_);
  const auto it = memo_.find(key);
  if (it == memo_.end() || it->second.first != wrappers_key) return std::nullopt;
  return it->second.second;
}

void FactsCache::store(const std::string& key, const CacheEntry& entry) const {
  static std::atomic<uint64_t> counter{0};
  const std::string path = path_of(key);
  // Unique per process and thread: concurrent writers never share a temporary file, and rename()
  // replaces the entry whole, so a reader sees the old entry or the new one.
  const std::string temp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
  const std::string bytes = encode_cache_entry(entry, key);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return;
  // No fsync (write_file_atomically's): an entry lost in a crash is only analysed again.
  const bool written = write_all(fd, bytes);
  const bool ok = ::close(fd) == 0 && written;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) ::unlink(temp.c_str());
}

std::string default_cache_dir(const std::string& project_root) {
  return (project_root.empty() ? std::string(".") : project_root) + "/.poolaudit_cache";
}

uint64_t wrappers_key(const std::vector<sqla::Wrapper>& wrappers) {
  const std::string bytes = encode_wrappers(wrappers);
  return XXH3_64bits(bytes.data(), bytes.size()) | 1;
}

}  // namespace app
