#include "app/gitignore.h"

#include <git2.h>

namespace app {
namespace fs = std::filesystem;

GitIgnore::GitIgnore() {
  git_libgit2_init();
  // Only ignore rules are read (no hooks, no filters run): a checkout owned by another user, as in
  // CI containers, must not make poolaudit audit what git ignores.
  git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

GitIgnore::~GitIgnore() {
  for (auto& [workdir, repo] : by_workdir_) git_repository_free(repo);
  git_libgit2_shutdown();
}

git_repository* GitIgnore::repository_for(const fs::path& dir) {
  const std::string key = dir.string();
  if (auto it = by_dir_.find(key); it != by_dir_.end()) return it->second;
  git_repository* found = nullptr;
  std::error_code ec;
  const fs::path parent = dir.parent_path();
  if (parent != dir && !parent.empty() && by_dir_.count(parent.string()) != 0 && !fs::exists(dir / ".git", ec)) {
    found = by_dir_[parent.string()];  // the walk goes top-down: the parent's answer holds below it
  } else {
    git_repository* repo = nullptr;
    if (git_repository_open_ext(&repo, key.c_str(), 0, nullptr) == 0) {
      const char* workdir = git_repository_workdir(repo);
      if (workdir == nullptr) {
        git_repository_free(repo);  // a bare repository has no work tree to ignore files in
      } else if (auto [it, added] = by_workdir_.emplace(workdir, repo); !added) {
        git_repository_free(repo);
        found = it->second;
      } else {
        found = repo;
      }
    }
  }
  by_dir_.emplace(key, found);
  return found;
}

bool GitIgnore::ignored(const fs::path& path) {
  std::error_code ec;
  const fs::path abs = fs::absolute(path, ec).lexically_normal();
  if (ec) return false;
  git_repository* repo = repository_for(abs.parent_path());
  if (repo == nullptr) return false;
  const fs::path workdir = fs::path(git_repository_workdir(repo)).parent_path();  // drop the trailing '/'
  fs::path rel = abs.lexically_relative(workdir);
  if (rel.empty() || rel.native().rfind("..", 0) == 0) {
    rel = fs::weakly_canonical(abs, ec).lexically_relative(workdir);  // reached through a symlink
  }
  const std::string rel_text = rel.generic_string();
  if (rel.empty() || rel_text == "." || rel_text.rfind("..", 0) == 0) return false;
  int result = 0;
  if (git_ignore_path_is_ignored(&result, repo, rel_text.c_str()) != 0) return false;
  return result == 1;
}

}  // namespace app
