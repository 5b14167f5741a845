#include "app/inputs.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>

#include "app/diagnostics.h"
#include "app/gitignore.h"
#include "sqla/project_context.h"

namespace app {
namespace fs = std::filesystem;
namespace {

/// One path per line; blank lines are skipped, a CR before the newline is dropped (lists written
/// on Windows), nothing else is trimmed: a path may start or end with a space.
std::vector<std::string> read_lines(std::istream& in) {
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

/// The file read from stdin, described as the file it stands for (--stdin-filename).
InputFile stdin_file(const std::string& name) {
  InputFile file;
  if (!name.empty()) {
    std::error_code ec;
    if (fs::is_regular_file(name, ec)) {
      WalkResult named = walk({name}, {});  // module name and kind exactly as for the file on disk
      if (!named.files.empty()) file = named.files.front();
    } else {
      file.display_path = display_path(name);
      file.module_name = fs::path(name).stem().string();
      file.is_package = file.module_name == "__init__";
      file.kind = fs::path(name).extension() == ".ini" ? FileKind::kIni : FileKind::kPython;
    }
  }
  file.path = "-";
  if (file.display_path.empty()) file.display_path = "-";
  file.text = std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  return file;
}

}  // namespace

Inputs collect_inputs(const Options& options) {
  Inputs result;
  WalkResult& walked = result.walked;
  std::vector<std::string> paths = options.paths;
  if (!options.files_from.empty()) {
    std::vector<std::string> listed;
    if (options.files_from == "-") {
      if (std::find(paths.begin(), paths.end(), "-") != paths.end()) {
        walked.error = "--files-from - and the path - both want stdin";
        return result;
      }
      listed = read_lines(std::cin);
    } else {
      std::error_code ec;
      if (fs::is_directory(options.files_from, ec)) {
        walked.error =
            "--files-from " + options.files_from + " is a directory; it takes a file listing paths";
        return result;
      }
      std::ifstream in(options.files_from);
      if (!in) {
        walked.error = "cannot read --files-from " + options.files_from;
        return result;
      }
      listed = read_lines(in);
    }
    // A list made by `git diff --name-only` names deleted files: say so, audit the rest.
    for (std::string& p : listed) {
      std::error_code ec;
      if (fs::exists(fs::symlink_status(p, ec))) {
        paths.push_back(std::move(p));
      } else {
        core::Finding& d = walked.diagnostics.emplace_back(
            unreadable_diagnostic(display_path(p), "listed in --files-from but does not exist; skipped"));
        d.fix = "Leave deleted files out of the list (git diff --name-only --diff-filter=d)";
      }
    }
  } else if (paths.empty()) {
    // `--stdin-filename NAME` alone reads stdin, as editors and ruff's integrations call it.
    paths.push_back(options.stdin_filename.empty() ? "." : "-");
  }
  std::unique_ptr<GitIgnore> git;
  if (options.respect_gitignore) git = std::make_unique<GitIgnore>();
  bool from_stdin = false;
  std::vector<std::string> to_walk;
  for (const std::string& p : paths) {
    if (p == "-") {
      from_stdin = true;
      result.paths.push_back(options.stdin_filename.empty() ? "." : options.stdin_filename);
      continue;
    }
    result.paths.push_back(p);
    if (options.force_exclude && (excluded_path(display_path(p), options.exclude) || (git && git->ignored(p)))) {
      continue;  // pre-commit names every changed file; the project's excludes still hold
    }
    to_walk.push_back(p);
  }
  // A file under two given directories gets its module name from the first that walks it: walk
  // them in a canonical order, whatever the order of the command line (project roots, added
  // below, still come first).
  std::sort(to_walk.begin(), to_walk.end());
  to_walk.erase(std::unique(to_walk.begin(), to_walk.end()), to_walk.end());
  // Files named alone: their projects are the context (settings modules, deployment files, the
  // engine a session comes from), reported on for the named files only.
  const bool only_files = !to_walk.empty() || from_stdin;
  auto is_file = [](const std::string& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
  };
  if (!options.files_only && !options.parse_only && only_files &&
      std::all_of(to_walk.begin(), to_walk.end(), is_file) && (!from_stdin || !options.stdin_filename.empty())) {
    std::vector<std::string> named_paths = to_walk;
    if (from_stdin) named_paths.push_back(options.stdin_filename);
    std::vector<std::string> roots;
    for (const std::string& p : named_paths) {
      const std::string root = sqla::find_project_root(p);
      if (root.empty()) {
        roots.clear();
        break;
      }
      if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
    }
    if (!roots.empty()) {
      for (const std::string& p : named_paths) result.named.insert(display_path(p));
      to_walk.insert(to_walk.begin(), roots.begin(), roots.end());
    }
  }
  SkipFn skip;
  if (git) skip = [&git](const fs::path& p, bool is_dir) { return git->ignored(p, is_dir); };
  WalkResult found = walk(to_walk, options.exclude, skip);
  walked.error = std::move(found.error);
  walked.files = std::move(found.files);
  for (core::Finding& d : found.diagnostics) walked.diagnostics.push_back(std::move(d));
  if (from_stdin && walked.error.empty()) {
    const bool excluded = options.force_exclude && !options.stdin_filename.empty() &&
                          (excluded_path(display_path(options.stdin_filename), options.exclude) ||
                           (git && git->ignored(options.stdin_filename)));
    if (!excluded) {
      InputFile file = stdin_file(options.stdin_filename);
      // The stdin text replaces the file on disk (an editor's unsaved buffer).
      std::erase_if(walked.files, [&](const InputFile& f) { return f.display_path == file.display_path; });
      walked.files.push_back(std::move(file));
      std::sort(walked.files.begin(), walked.files.end(),
                [](const InputFile& a, const InputFile& b) { return a.display_path < b.display_path; });
    }
  }
  if (result.paths.empty()) result.paths.push_back(".");
  return result;
}

std::vector<std::string> project_paths(const Options& options) {
  std::vector<std::string> out;
  for (const std::string& p : options.paths) {
    out.push_back(p != "-" ? p : options.stdin_filename.empty() ? "." : options.stdin_filename);
  }
  if (out.empty()) out.push_back(".");
  return out;
}

std::string common_directory(const std::vector<std::string>& paths) {
  std::optional<fs::path> common;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::path dir = fs::absolute(p, ec).lexically_normal();
    if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) dir = dir.parent_path();  // "/x/"
    if (!common) {
      common = dir;
      continue;
    }
    fs::path shared;
    for (auto a = common->begin(), b = dir.begin(); a != common->end() && b != dir.end() && *a == *b; ++a, ++b) {
      shared /= *a;
    }
    common = shared;
  }
  std::error_code ec;
  return common ? common->string() : fs::current_path(ec).string();
}

}  // namespace app
