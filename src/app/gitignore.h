#pragma once
// What git ignores: the .gitignore files from the work tree's root down, .git/info/exclude and
// core.excludesFile (from the repository's, the user's and the system's git config; git's default
// ~/.config/git/ignore when unset), with git's precedence: a deeper .gitignore over a shallower
// one over info/exclude over core.excludesFile, the last matching line of a file winning. An
// ignored directory hides everything below it: a '!' rule cannot bring back a file inside it.
// Each directory's answer is kept, so the walk (top-down) pays one lookup per entry.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/gitignore_file.h"

namespace app {

/// Answers "does git ignore this path?" for paths in any repository; outside one, nothing is ignored.
class GitIgnore {
 public:
  GitIgnore();
  ~GitIgnore();
  GitIgnore(const GitIgnore&) = delete;
  GitIgnore& operator=(const GitIgnore&) = delete;

  /// True when the repository around `path` ignores it (or a directory above it); `is_dir` says
  /// whether `path` is a directory (patterns ending in '/' match only those).
  bool ignored(const std::filesystem::path& path, bool is_dir);
  /// As above, asking the file system whether `path` is a directory.
  bool ignored(const std::filesystem::path& path);

 private:
  struct Repository;
  struct Directory;
  /// The state of directory `dir` (a path as the caller spelled it), computed once.
  const Directory& directory(const std::string& dir);
  Directory compute(const std::string& dir);
  Directory below(const Directory& parent, const std::string& dir, std::string_view name);
  bool excluded(const Directory& in, std::string_view path, std::string_view name, bool is_dir) const;
  /// The repository whose work tree is `dir`, when `dir` holds a .git directory or file.
  Repository* open_repository(const std::string& dir);
  const std::string& global_excludes_file();

  std::vector<std::unique_ptr<Repository>> repositories_;
  std::vector<std::unique_ptr<IgnoreFile>> files_;
  std::unordered_map<std::string, std::unique_ptr<Directory>> directories_;
  std::unique_ptr<std::string> global_excludes_;  ///< core.excludesFile outside any repository
};

}  // namespace app
