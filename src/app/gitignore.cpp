#include "app/gitignore.h"

#include "app/read_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "app/git_config.h"

namespace app {
namespace fs = std::filesystem;

struct GitIgnore::Repository {
  IgnoreFile info_exclude;
  IgnoreFile excludes_file;
};

struct GitIgnore::Directory {
  const Repository* repository = nullptr;  ///< null: not inside a work tree
  std::string path;                        ///< relative to the work tree, "" at its root
  bool ignored = false;                    ///< this directory or one above it is ignored
  std::vector<const IgnoreFile*> gitignores;  ///< in effect here, the work tree's root first
};

namespace {

// git refuses pattern files this large (dir.c); so does poolaudit, rather than read one whole.
constexpr off_t kMaxPatternFileBytes = 100 * 1024 * 1024;

/// The contents of a regular file; nullopt when missing, unreadable or too large. With
/// `no_symlink`, a symbolic link is not followed: git reads an in-tree .gitignore only when it
/// is a regular file.
std::optional<std::string> read_file(const std::string& path, bool no_symlink) {
  return read_regular_file(path, kMaxPatternFileBytes, no_symlink);
}

std::string home_path(std::string_view rest) {
  const char* home = std::getenv("HOME");
  return home == nullptr || *home == '\0' ? std::string() : std::string(home) + std::string(rest);
}

/// "~/x" as git expands it in core.excludesFile.
std::string expand_user(std::string path) {
  if (path.starts_with("~/")) return home_path(std::string_view(path).substr(1));
  return path;
}

std::optional<std::string> excludes_file_in(const std::string& config_path) {
  if (config_path.empty()) return std::nullopt;
  const std::optional<std::string> text = read_file(config_path, false);
  return text ? config_excludes_file(*text) : std::nullopt;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// The git directory of the work tree `dir`: `dir/.git` when it is a repository directory, the
/// target of a "gitdir: " file (worktrees, submodules); "" when `dir` is no work tree root.
std::string git_directory(const std::string& dir) {
  const std::string dot_git = dir + (dir.ends_with('/') ? ".git" : "/.git");
  struct stat st {};
  if (::lstat(dot_git.c_str(), &st) != 0) return {};
  if (S_ISDIR(st.st_mode)) return ::access((dot_git + "/HEAD").c_str(), F_OK) == 0 ? dot_git : std::string();
  if (!S_ISREG(st.st_mode)) return {};
  const std::optional<std::string> text = read_file(dot_git, false);
  if (!text || !text->starts_with("gitdir:")) return {};
  std::string target = text->substr(7);
  while (!target.empty() && (target.front() == ' ' || target.front() == '\t')) target.erase(0, 1);
  while (!target.empty() && (target.back() == '\n' || target.back() == '\r' || target.back() == ' ')) target.pop_back();
  if (target.empty()) return {};
  if (target.front() != '/') target = dir + "/" + target;
  return is_directory(target) ? target : std::string();
}

/// Where info/exclude and config live: a linked worktree's git directory names its common one.
std::string common_directory(const std::string& git_dir) {
  std::optional<std::string> common = read_file(git_dir + "/commondir", false);
  if (!common) return git_dir;
  while (!common->empty() && (common->back() == '\n' || common->back() == '\r')) common->pop_back();
  if (common->empty()) return git_dir;
  return common->front() == '/' ? *common : git_dir + "/" + *common;
}

}  // namespace

GitIgnore::GitIgnore() = default;
GitIgnore::~GitIgnore() = default;

const std::string& GitIgnore::global_excludes_file() {
  if (global_excludes_) return *global_excludes_;
  // Later files win: system, then the XDG and the home configuration, as git reads them.
  std::optional<std::string> set = excludes_file_in("/etc/gitconfig");
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const std::string xdg_dir = xdg != nullptr && *xdg != '\0' ? std::string(xdg) : home_path("/.config");
  for (const std::string& config : {xdg_dir.empty() ? std::string() : xdg_dir + "/git/config", home_path("/.gitconfig")}) {
    if (std::optional<std::string> value = excludes_file_in(config)) set = std::move(value);
  }
  global_excludes_ = std::make_unique<std::string>(
      set ? expand_user(*set) : xdg_dir.empty() ? std::string() : xdg_dir + "/git/ignore");
  return *global_excludes_;
}

GitIgnore::Repository* GitIgnore::open_repository(const std::string& dir) {
  const std::string git_dir = git_directory(dir);
  if (git_dir.empty()) return nullptr;
  const std::string common = common_directory(git_dir);
  auto repository = std::make_unique<Repository>();
  if (std::optional<std::string> text = read_file(common + "/info/exclude", false)) {
    repository->info_exclude = IgnoreFile(*text, "");
  }
  std::optional<std::string> local = excludes_file_in(common + "/config");
  const std::string excludes = local ? expand_user(*local) : global_excludes_file();
  if (std::optional<std::string> text = excludes.empty() ? std::nullopt : read_file(excludes, false)) {
    repository->excludes_file = IgnoreFile(*text, "");
  }
  repositories_.push_back(std::move(repository));
  return repositories_.back().get();
}

bool GitIgnore::excluded(const Directory& in, std::string_view path, std::string_view name, bool is_dir) const {
  for (auto it = in.gitignores.rbegin(); it != in.gitignores.rend(); ++it) {
    const IgnoreVerdict v = (*it)->match(path, name, is_dir);
    if (v != IgnoreVerdict::kNone) return v == IgnoreVerdict::kIgnored;
  }
  for (const IgnoreFile* file : {&in.repository->info_exclude, &in.repository->excludes_file}) {
    const IgnoreVerdict v = file->match(path, name, is_dir);
    if (v != IgnoreVerdict::kNone) return v == IgnoreVerdict::kIgnored;
  }
  return false;
}

GitIgnore::Directory GitIgnore::below(const Directory& parent, const std::string& dir, std::string_view name) {
  Directory out;
  if (parent.repository == nullptr) return out;
  out.repository = parent.repository;
  out.path = parent.path.empty() ? std::string(name) : parent.path + "/" + std::string(name);
  out.ignored = parent.ignored || excluded(parent, out.path, name, true);
  out.gitignores = parent.gitignores;
  if (!out.ignored) {
    if (std::optional<std::string> text = read_file(dir + "/.gitignore", true)) {
      files_.push_back(std::make_unique<IgnoreFile>(*text, out.path));
      if (!files_.back()->empty()) out.gitignores.push_back(files_.back().get());
    }
  }
  return out;
}

GitIgnore::Directory GitIgnore::compute(const std::string& dir) {
  if (Repository* repository = open_repository(dir)) {
    Directory root;
    root.repository = repository;
    if (std::optional<std::string> text = read_file(dir + "/.gitignore", true)) {
      files_.push_back(std::make_unique<IgnoreFile>(*text, ""));
      if (!files_.back()->empty()) root.gitignores.push_back(files_.back().get());
    }
    return root;
  }
  const size_t slash = dir.rfind('/');
  const std::string_view name = slash == std::string::npos ? std::string_view(dir) : std::string_view(dir).substr(slash + 1);
  const std::string parent = slash == std::string::npos ? std::string() : slash == 0 ? std::string("/") : dir.substr(0, slash);
  if (!parent.empty() && !name.empty() && name != "." && name != "..") {
    // The walk goes top-down: the parent is usually known already. Below "/" the path is absolute
    // and free of "." and "..", so its lexical parent is its real one.
    if (directories_.count(parent) != 0 || dir.front() == '/') return below(directory(parent), dir, name);
  }
  if (dir == "/") return {};
  // "." or a relative path first seen here: start from its real absolute path (links resolved,
  // as the repository's own paths are).
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(fs::absolute(dir.empty() ? "." : dir, ec), ec);
  std::string canonical = real.string();
  while (canonical.size() > 1 && canonical.ends_with('/')) canonical.pop_back();
  if (ec || canonical.empty() || canonical == dir) return {};
  return directory(canonical);
}

const GitIgnore::Directory& GitIgnore::directory(const std::string& dir) {
  if (auto it = directories_.find(dir); it != directories_.end()) return *it->second;
  auto state = std::make_unique<Directory>(compute(dir));
  return *directories_.emplace(dir, std::move(state)).first->second;
}

bool GitIgnore::ignored(const fs::path& path, bool is_dir) {
  std::string text = path.string();
  while (text.size() > 1 && text.ends_with('/')) text.pop_back();
  const size_t slash = text.rfind('/');
  std::string_view name = slash == std::string::npos ? std::string_view(text) : std::string_view(text).substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    // "." or "a/..": ask about the directory by its real name, in its real parent.
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec || real.string() == text || !real.has_filename()) return false;
    return ignored(real, is_dir);
  }
  const std::string parent = slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : text.substr(0, slash);
  const Directory& in = directory(parent);
  if (in.repository == nullptr) return false;
  if (in.ignored) return true;
  const std::string relative = in.path.empty() ? std::string(name) : in.path + "/" + std::string(name);
  return excluded(in, relative, name, is_dir);
}

bool GitIgnore::ignored(const fs::path& path) {
  return ignored(path, is_directory(path.string()));
}

}  // namespace app
