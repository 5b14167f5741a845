#include "app/report_files.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "sqla/roles.h"

namespace app {
namespace {

/// The configuration's `roles` globs re-assign a file's role (and the facts that follow from it).
void apply_role_override(const Settings& settings, const std::string& path, FileResult& r) {
  const std::optional<core::FileRole> role = configured_role(settings, path);
  if (!role) return;
  r.role = *role;
  if (r.ini) r.ini->role = *role;
  if (r.python) {
    sqla::set_role(*r.python, *role,
                   "configured in " + (settings.file.empty() ? std::string("the configuration") : settings.file));
    r.python->is_script = *role == core::FileRole::kScript;
  }
}

}  // namespace

DirectiveMap take_file_results(const SettingsFor& settings_for, const std::vector<InputFile>& files,
                               std::vector<FileResult>& results, const std::set<std::string>& named,
                               core::Report& report) {
  DirectiveMap directives;
  for (size_t i = 0; i < results.size(); ++i) {
    FileResult& r = results[i];
    for (core::Finding& d : r.diagnostics) report.diagnostics.push_back(std::move(d));
    // Only files with suppression comments get an entry: the map lives until the end of the run.
    if (!r.directives.empty()) directives[files[i].display_path] = std::move(r.directives);
    if (!named.empty() && !named.count(files[i].display_path)) continue;
    apply_role_override(settings_for(files[i].display_path), files[i].display_path, r);
    if (r.skipped) {
      ++report.summary.skipped;
    } else {
      ++report.summary.files;
      ++report.summary.roles[static_cast<size_t>(r.role)];
    }
  }
  return directives;
}

std::vector<sqla::FileFacts> keep_named_files(const std::set<std::string>& named, const std::vector<InputFile>& files,
                                              sqla::ProjectFacts& facts, core::Report& report) {
  std::set<std::string> project_files;
  for (const InputFile& f : files) project_files.insert(f.display_path);
  auto other = [&](const core::Finding& f) { return !named.count(f.where.path); };
  std::erase_if(report.findings, other);
  std::erase_if(report.diagnostics, [&](const core::Finding& f) { return other(f) && project_files.count(f.where.path); });
  const auto others = std::stable_partition(facts.files.begin(), facts.files.end(),
                                            [&](const sqla::FileFacts& f) { return named.count(f.path) != 0; });
  std::vector<sqla::FileFacts> dropped(std::make_move_iterator(others), std::make_move_iterator(facts.files.end()));
  facts.files.erase(others, facts.files.end());
  std::erase_if(facts.ini_files, [&](const sqla::IniFile& f) { return !named.count(f.path); });
  return dropped;
}

}  // namespace app
