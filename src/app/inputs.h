#pragma once
// What to audit, the way linters take it in CI and pre-commit: paths, --files-from, stdin ("-"),
// .gitignore, --force-exclude. walk() does the directory walking.
#include <set>
#include <string>
#include <vector>

#include "app/options.h"
#include "app/walk.h"

namespace app {

struct Inputs {
  /// The paths as the project sees them (root and version context): "-" stands as --stdin-filename.
  std::vector<std::string> paths;
  WalkResult walked;  ///< the files; walked.error is a usage error
  /// Files named alone inside a project (pre-commit passes the changed files): the project around
  /// them is walked too, as context, and findings are reported for these display paths only.
  /// Empty: report on everything walked.
  std::set<std::string> named;
};

/// Gathers the files to audit: positional paths and --files-from lines ("." when neither is given),
/// the source on stdin for "-", minus what .gitignore ignores below a directory (unless
/// --no-respect-gitignore) and, with --force-exclude, explicitly named files that are excluded.
/// When only files are named and each lies in a project (sqla::find_project_root), the projects'
/// roots are walked as well and `named` lists the files (unless --files-only or --parse-only).
Inputs collect_inputs(const Options& options);

/// The paths that place the run in a project and a configuration: the positional paths ("-" as
/// --stdin-filename), "." when there are none (--files-from alone reads the list later).
std::vector<std::string> project_paths(const Options& options);

/// The deepest directory holding every path (a file counts as its directory), absolute and normal;
/// the same for any order of the same paths. The current directory for none.
///
///   common_directory({"/m/svc/a/x.py", "/m/svc/b"}) == "/m/svc"
std::string common_directory(const std::vector<std::string>& paths);

}  // namespace app
