#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/finding.h"

namespace app {

enum class FileKind { kPython, kIni, kDeployment };

/// A file to audit.
struct InputFile {
  std::string path;          ///< as opened
  std::string display_path;  ///< relative to the current directory, '/' separators
  std::string module_name;   ///< dotted import name (Python files)
  bool is_package = false;   ///< __init__.py
  std::vector<std::string> module_aliases;  ///< other import names (sqla/module_table.h)
  FileKind kind = FileKind::kPython;
  std::optional<std::string> text;  ///< the source itself when it came from stdin, not from `path`
};

struct WalkResult {
  std::vector<InputFile> files;           ///< sorted by display path, no duplicates
  std::vector<core::Finding> diagnostics;  ///< unreadable directories and the like (PA002)
  std::string error;                       ///< a path that does not exist: usage error
};

/// True for a path (a directory when `is_dir`, else a file) the walk must skip beyond the
/// built-in rules (.gitignore).
using SkipFn = std::function<bool(const std::filesystem::path& path, bool is_dir)>;

/// Collects .py and .ini files and deployment files (sqla::is_deployment_file) under `paths`, skipping the default excludes, `exclude` globs and,
/// below a directory given, what `skip` rejects. Files named in `paths` are always taken.
WalkResult walk(const std::vector<std::string>& paths, const std::vector<std::string>& exclude,
                const SkipFn& skip = {});

/// True when the walk would skip `display` (a display path): a default-excluded directory
/// (.venv, build, ...) among its parts, or an `exclude` glob matching it or one of its parents.
bool excluded_path(const std::string& display, const std::vector<std::string>& exclude);

/// True when a glob matches the display path or its file name ("dir/" matches what is below;
/// a pattern starting with "/" is matched against the absolute path).
bool path_matches(const std::string& display, const std::vector<std::string>& patterns);

/// Display form of a path: relative to the current directory when below it, '/' separators.
std::string display_path(const std::string& path);

}  // namespace app
