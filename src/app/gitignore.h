#pragma once
// What git ignores (.gitignore files, .git/info/exclude, core.excludesFile), asked of libgit2 so
// the answer is git's own, negations and directory rules included.
#include <filesystem>
#include <map>
#include <string>

struct git_repository;

namespace app {

/// Answers "does git ignore this path?" for paths in any repository; outside one, nothing is ignored.
class GitIgnore {
 public:
  GitIgnore();
  ~GitIgnore();
  GitIgnore(const GitIgnore&) = delete;
  GitIgnore& operator=(const GitIgnore&) = delete;

  /// True when the repository around `path` ignores it (or a directory above it).
  bool ignored(const std::filesystem::path& path);

 private:
  /// The repository whose work tree holds `dir` (cached per directory), or nullptr.
  git_repository* repository_for(const std::filesystem::path& dir);

  std::map<std::string, git_repository*> by_dir_;
  std::map<std::string, git_repository*> by_workdir_;  ///< owns the open repositories
};

}  // namespace app
