#include "app/project_facts.h"

#include <algorithm>
#include <filesystem>

#include "app/inputs.h"
#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/services.h"
#include "sqla/shared_dicts.h"

namespace app {
namespace fs = std::filesystem;

std::vector<std::string> audit_roots(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    const std::string shown = display_path(path);
    if (fs::is_directory(path, ec)) {
      out.push_back(shown == "." ? std::string() : shown);
    } else {
      out.push_back(core::dirname(shown));
    }
  }
  // In a canonical order: what is decided from the roots must not depend on the order of the paths.
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void collect_facts(const std::vector<InputFile>& files, std::vector<FileResult>& results, sqla::ProjectFacts& facts,
                   const std::vector<std::string>& roots, const ConfigureService& configure) {
  std::vector<sqla::DeploymentFacts> deployment_files;
  // A module-level dict is an engine's own only while no other file may import its module.
  std::vector<bool> imported(results.size(), false);
  bool imports_known = true;
  for (size_t j = 0; j < results.size(); ++j) {
    if (files[j].kind != FileKind::kPython || results[j].skipped) continue;
    if (!results[j].imports_known) imports_known = false;
    for (uint32_t i : results[j].imports) {
      if (i != j && i < imported.size()) imported[i] = true;
    }
  }
  // In a module another file may import (or when that is not known), a dict the file phase found
  // only one call reads may be read by that file.
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].python && (!imports_known || imported[i])) sqla::share_module_dicts(*results[i].python);
  }
  for (size_t i = 0; i < results.size(); ++i) {
    FileResult& r = results[i];
    if (r.python) facts.files.push_back(std::move(*r.python));
    if (r.ini) facts.ini_files.push_back(std::move(*r.ini));
    if (r.deployment) deployment_files.push_back(std::move(*r.deployment));
    if (files[i].kind == FileKind::kPython && !r.analyzed && !r.skipped && !files[i].module_name.empty()) {
      facts.other_modules.push_back(files[i].module_name);
      for (const std::string& alias : files[i].module_aliases) facts.other_modules.push_back(alias);
    }
  }
  // The services, found before the deployment facts are merged: each gets its own.
  std::vector<std::string> python_paths;
  std::vector<std::string> deployment_paths;
  for (const InputFile& file : files) {
    if (file.kind == FileKind::kPython) python_paths.push_back(file.display_path);
    if (file.kind == FileKind::kDeployment) deployment_paths.push_back(file.display_path);
  }
  facts.services = sqla::find_services(python_paths, roots, sqla::disk_markers(deployment_paths));
  sqla::assign_files_to_services(facts);
  for (sqla::Service& service : facts.services) {
    service.configured = static_cast<const sqla::ConfiguredContext&>(facts.context);
    if (configure) configure(service);
  }
  sqla::merge_deployment(facts, std::move(deployment_files), roots);
}

}  // namespace app
