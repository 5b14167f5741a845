#include "app/walk.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <string_view>
#include <system_error>

#include "app/diagnostics.h"
#include "core/printable.h"
#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/source_roots.h"

namespace app {
namespace fs = std::filesystem;
namespace {

constexpr std::array<std::string_view, 12> kExcludedDirs = {
    ".git", ".venv", "venv", "env", "site-packages", "node_modules", "__pycache__", ".tox", "build",
    "dist", ".mypy_cache", ".poolaudit_cache"};

bool excluded(const std::string& display, const std::string& name,
              const std::vector<std::string>& patterns) {
  std::string absolute;  // for patterns anchored at a directory ("/abs/dir/tests/*": configuration files)
  for (const std::string& p : patterns) {
    if (p.empty()) continue;
    if (p[0] == '/' && absolute.empty()) absolute = fs::absolute(display).lexically_normal().generic_string();
    const std::string& path = p[0] == '/' ? absolute : display;
    if (fnmatch(p.c_str(), path.c_str(), 0) == 0) return true;
    if (fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
    // "dir/" or "dir/**" style patterns exclude what is below.
    std::string prefix = p;
    while (!prefix.empty() && (prefix.back() == '*' || prefix.back() == '/')) prefix.pop_back();
    if (!prefix.empty() && prefix.find_first_of("*?[") == std::string::npos &&
        (path == prefix || path.rfind(prefix + "/", 0) == 0)) {
      return true;
    }
  }
  return false;
}

std::optional<FileKind> classify(const fs::path& p) {
  if (sqla::is_deployment_file(p.generic_string())) return FileKind::kDeployment;
  const std::string ext = p.extension().string();
  if (ext == ".py" || ext == ".pyi") return ext == ".py" ? std::optional<FileKind>(FileKind::kPython) : std::nullopt;
  if (ext == ".ini") return FileKind::kIni;
  return std::nullopt;
}

/// True for a name Python can import (`my-service` or `2024` cannot be a package).
bool identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

struct ModuleNames {
  std::string name;
  bool is_package = false;
  std::vector<std::string> aliases;
};

class ModuleNamer {
 public:
  /// Dotted name: walk up while the directory is a package (has __init__.py), never above `root`
  /// (the audited directory; empty for a file named alone): a checkout directory's name is no
  /// import name, even when the repository root holds an __init__.py. Aliases: the names below
  /// each directory between the file and `root` that is a source root, or that holds the
  /// top-level package of a name of two parts or more (`app.database` for backend/app/database.py).
  /// `spelled_dir` is the file's directory as the walk spelled it: what depends on the directory
  /// alone is worked out once per directory (path arithmetic per file was a third of the walk).
  /// `absolute(file)` gives the file's absolute, normal path; asked once per directory.
  template <typename Absolute>
  ModuleNames name(const fs::path& file, const std::string& spelled_dir, const fs::path& root, Absolute&& absolute) {
    auto it = directories_.find(spelled_dir);
    if (it == directories_.end()) {
      it = directories_.emplace(spelled_dir, directory(absolute(file).parent_path(), root)).first;
    }
    return name_in(it->second, file.stem().string(), !root.empty());
  }

  /// Forgets the per-directory answers: they hold for one audited root.
  void start_root() { directories_.clear(); }

 private:
  /// One step of the alias walk from a file's directory up: a directory's name, or the end.
  struct Step {
    std::string name;
    bool source_root = false;  ///< only asked for the first two steps: later ones are wanted anyway
    bool last = false;         ///< the root (or "/"): the whole path is an alias
  };
  struct DirectoryNames {
    std::vector<std::string> packages;  ///< package directories from the file's directory up
    std::string own_name;               ///< the directory's name (an __init__.py outside a package)
    std::vector<Step> steps;
  };

  DirectoryNames directory(const fs::path& file_dir, const fs::path& root) {
    DirectoryNames out;
    out.own_name = file_dir.filename().string();
    fs::path dir = file_dir;
    for (int depth = 0; depth < 64 && !dir.empty(); ++depth) {
      if (dir == root || !is_package_dir(dir)) break;
      out.packages.push_back(dir.filename().string());
      const fs::path parent = dir.parent_path();
      if (parent == dir) break;
      dir = parent;
    }
    if (root.empty()) return out;
    dir = file_dir;
    for (int depth = 0; depth < 32 && !dir.empty(); ++depth) {
      Step step;
      if (dir == root || dir.parent_path() == dir) {
        step.last = true;
        out.steps.push_back(std::move(step));
        break;
      }
      step.source_root = depth < 2 && source_root(dir, root);
      step.name = dir.filename().string();
      out.steps.push_back(std::move(step));
      dir = dir.parent_path();
    }
    return out;
  }

  static ModuleNames name_in(const DirectoryNames& dir, const std::string& stem, bool has_root) {
    ModuleNames out;
    out.is_package = stem == "__init__";
    std::vector<std::string> parts;
    if (!out.is_package) parts.push_back(stem);
    parts.insert(parts.end(), dir.packages.begin(), dir.packages.end());
    if (parts.empty() && out.is_package) parts.push_back(dir.own_name);
    out.name = dotted(parts.rbegin(), parts.rend());
    if (!has_root) return out;
    // The components from each ancestor down to the file.
    std::vector<std::string> below;
    if (!out.is_package) below.push_back(stem);
    for (const Step& step : dir.steps) {
      if (step.last) {
        add_alias(out, below, true);
        break;
      }
      add_alias(out, below, below.size() >= 2 || step.source_root);
      below.push_back(step.name);
    }
    return out;
  }

  template <typename It>
  static std::string dotted(It begin, It end) {
    std::string out;
    for (It it = begin; it != end; ++it) out += (out.empty() ? "" : ".") + *it;
    return out;
  }

  static void add_alias(ModuleNames& out, const std::vector<std::string>& below, bool wanted) {
    if (!wanted || below.empty() || !std::all_of(below.begin(), below.end(), identifier)) return;
    std::string alias = dotted(below.rbegin(), below.rend());
    if (alias != out.name && std::find(out.aliases.begin(), out.aliases.end(), alias) == out.aliases.end()) {
      out.aliases.push_back(std::move(alias));
    }
  }

  /// src/, backend/, server/, api/, or a directory that a build or SAM file above it declares.
  bool source_root(const fs::path& dir, const fs::path& root) {
    if (sqla::conventional_source_root(dir.filename().string())) return true;
    for (fs::path d = dir.parent_path(); !d.empty(); d = d.parent_path()) {
      const std::vector<std::string>& declared = declared_in(d);
      if (std::find(declared.begin(), declared.end(), dir.generic_string()) != declared.end()) return true;
      if (d == root || d == d.parent_path()) break;
    }
    return false;
  }

  const std::vector<std::string>& declared_in(const fs::path& dir) {
    auto it = declared_.find(dir.string());
    if (it == declared_.end()) it = declared_.emplace(dir.string(), sqla::declared_source_roots(dir.string())).first;
    return it->second;
  }

  bool is_package_dir(const fs::path& dir) {
    auto it = cache_.find(dir.string());
    if (it != cache_.end()) return it->second;
    std::error_code ec;
    const bool result = fs::exists(dir / "__init__.py", ec);
    cache_.emplace(dir.string(), result);
    return result;
  }
  std::map<std::string, bool> cache_;
  std::map<std::string, std::vector<std::string>> declared_;
  std::unordered_map<std::string, DirectoryNames> directories_;  ///< by spelled directory
};

}  // namespace

bool path_matches(const std::string& display, const std::vector<std::string>& patterns) {
  return excluded(display, std::string(core::basename(display)), patterns);
}

namespace {

/// display_path() against a known current directory (empty: unknown). The walk asks once, not
/// for each of its files: getcwd() and fs::absolute() were a quarter of a 100,000-file run.
std::string display_path_in(const fs::path& p, const fs::path& cwd) {
  // The walk's own paths ("./pkg/mod.py", "pkg/mod.py") are already normal: strip "./" and done.
  std::string_view plain = p.native();
  while (plain.starts_with("./")) plain.remove_prefix(2);
  const bool normal = !plain.empty() && plain.front() != '/' && plain != "." && plain != ".." &&
                      !plain.starts_with("../") && !plain.ends_with("/.") && !plain.ends_with("/..") &&
                      !plain.ends_with("/") && plain.find("//") == std::string_view::npos &&
                      plain.find("/./") == std::string_view::npos && plain.find("/../") == std::string_view::npos;
  if (normal) return std::string(plain);
  std::string out;
  if (!cwd.empty()) {
    const fs::path abs = p.is_absolute() ? p : cwd / p;
    fs::path rel = abs.lexically_normal().lexically_relative(cwd);
    if (!rel.empty() && rel.native().rfind("..", 0) != 0) out = rel.generic_string();
  }
  if (out.empty()) out = p.lexically_normal().generic_string();
  if (out.rfind("./", 0) == 0) out = out.substr(2);
  // Every report format, baseline key and fingerprint names the file by this string: bytes that
  // are not UTF-8 become "\xNN" here, once, so JSON can hold it and all formats agree.
  return core::lossy_utf8(out);
}

}  // namespace

std::string display_path(const std::string& path) {
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  if (ec) cwd.clear();
  return display_path_in(fs::path(path), cwd);
}

bool excluded_path(const std::string& display, const std::vector<std::string>& exclude) {
  // Outside the current directory the parts above the project say nothing (/srv/build/app).
  if (!display.empty() && display.front() == '/') return excluded(display, fs::path(display).filename().string(), exclude);
  std::string prefix;
  for (const fs::path& part : fs::path(display)) {
    const std::string name = part.string();
    if (name == "." || name.empty()) continue;
    prefix += (prefix.empty() ? "" : "/") + name;
    if (std::find(kExcludedDirs.begin(), kExcludedDirs.end(), name) != kExcludedDirs.end() ||
        excluded(prefix, name, exclude)) {
      return true;
    }
  }
  return false;
}

WalkResult walk(const std::vector<std::string>& paths, const std::vector<std::string>& exclude, const SkipFn& skip) {
  WalkResult result;
  ModuleNamer namer;
  std::unordered_set<std::string> seen;
  std::error_code cwd_ec;
  fs::path cwd = fs::current_path(cwd_ec);
  if (cwd_ec) cwd.clear();
  auto shown = [&cwd](const fs::path& p) { return display_path_in(p, cwd); };
  auto absolute = [&cwd](const fs::path& p) {
    return (p.is_absolute() || cwd.empty() ? fs::absolute(p) : cwd / p).lexically_normal();
  };
  auto add = [&](const fs::path& p, FileKind kind, const fs::path& root, std::string display) {
    InputFile f;
    f.path = p.string();
    f.display_path = std::move(display);
    if (!seen.insert(f.display_path).second) return;
    f.kind = kind;
    if (kind == FileKind::kPython) {
      const size_t slash = f.path.rfind('/');
      ModuleNames names =
          namer.name(p, slash == std::string::npos ? std::string() : f.path.substr(0, slash), root, absolute);
      f.module_name = std::move(names.name);
      f.is_package = names.is_package;
      f.module_aliases = std::move(names.aliases);
    }
    result.files.push_back(std::move(f));
  };
  for (const std::string& root : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(root, ec);
    if (ec || !fs::exists(status)) {
      result.error = "path does not exist: " + root;
      return result;
    }
    if (!fs::is_directory(status) && !fs::is_regular_file(status)) {
      // Reading a FIFO named on the command line would block forever; devices are no source.
      result.diagnostics.push_back(unreadable_diagnostic(shown(root), "not a regular file; skipped"));
      continue;
    }
    if (!fs::is_directory(status)) {
      // A file named explicitly is audited even if its extension is unusual (stdin-like use).
      const auto kind = classify(root);
      namer.start_root();
      add(root, kind.value_or(FileKind::kPython), fs::path(), shown(root));
      continue;
    }
    namer.start_root();
    fs::path root_path = absolute(root);
    if (!root_path.has_filename()) root_path = root_path.parent_path();  // "/x/." is "/x/"
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      result.diagnostics.push_back(unreadable_diagnostic(shown(root), "cannot read directory: " + ec.message()));
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::directory_entry& entry = *it;
      // The iterator's paths are "<root>/.../<name>": the name is what follows the last '/'.
      const std::string& spelled = entry.path().native();
      const std::string name = spelled.substr(spelled.rfind('/') + 1);
      const std::string display = shown(entry.path());
      std::error_code type_ec;
      const bool is_symlink = entry.is_symlink(type_ec);
      if (entry.is_directory(type_ec)) {
        // Never follow directory links (loops); skip the usual virtualenv and build folders.
        if (is_symlink || std::find(kExcludedDirs.begin(), kExcludedDirs.end(), name) != kExcludedDirs.end() ||
            excluded(display, name, exclude) || (skip && skip(entry.path(), true))) {
          it.disable_recursion_pending();
          continue;
        }
        // skip_permission_denied would drop an unreadable directory silently: say so instead.
        std::error_code open_ec;
        const fs::directory_iterator probe(entry.path(), open_ec);
        if (open_ec) {
          result.diagnostics.push_back(
              unreadable_diagnostic(display, "cannot read directory: " + open_ec.message() + "; skipped"));
          it.disable_recursion_pending();
        }
        continue;
      }
      if (!entry.is_regular_file(type_ec)) continue;  // FIFOs, sockets, devices, dangling links
      const auto kind = classify(entry.path());
      if (!kind || excluded(display, name, exclude) || (skip && skip(entry.path(), false))) continue;
      add(entry.path(), *kind, root_path, display);
    }
    if (ec) {  // an error while advancing ends the iteration: report where the walk stopped
      result.diagnostics.push_back(
          unreadable_diagnostic(shown(root), "directory walk stopped early: " + ec.message()));
    }
  }
  std::sort(result.files.begin(), result.files.end(),
            [](const InputFile& a, const InputFile& b) { return a.display_path < b.display_path; });
  return result;
}

}  // namespace app
