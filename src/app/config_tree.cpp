#include "app/config_tree.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "app/walk.h"

namespace app {
namespace fs = std::filesystem;

std::optional<SettingsTree> SettingsTree::resolve(const Options& options, std::string& error) {
  std::optional<Settings> project = resolve_settings(options, error);
  if (!project) return std::nullopt;
  SettingsTree tree;
  tree.options_ = options;
  std::error_code ec;
  tree.cwd_ = fs::current_path(ec);
  tree.fixed_ = !options.config.empty() || options.isolated;
  tree.project_file_ = tree.fixed_ ? std::string() : project_config_file(options);
  auto& slot = tree.by_file_[tree.project_file_];
  slot = std::make_unique<Settings>(std::move(*project));
  tree.project_ = slot.get();
  return tree;
}

SettingsTree SettingsTree::single(Settings settings, const std::vector<const rules::Rule*>& selected) {
  SettingsTree tree;
  tree.options_ = settings.options;
  tree.fixed_ = true;
  settings.rules = selected;
  auto& slot = tree.by_file_[""];
  slot = std::make_unique<Settings>(std::move(settings));
  tree.project_ = slot.get();
  return tree;
}

const std::string& SettingsTree::config_for(const std::string& directory) {
  // Walks up to the first directory already known, then fills in every directory on the way:
  // each directory of the project is asked about its files once.
  std::vector<std::string> unknown;
  fs::path dir(directory);
  std::string found;
  for (int depth = 0; depth < 256 && !dir.empty(); ++depth) {
    if (auto it = directory_config_.find(dir.string()); it != directory_config_.end()) {
      found = it->second;
      break;
    }
    unknown.push_back(dir.string());
    found = config_file_in(dir.string());
    if (!found.empty()) break;
    const fs::path parent = dir.parent_path();
    if (parent == dir) break;
    dir = parent;
  }
  for (const std::string& d : unknown) directory_config_[d] = found;
  return directory_config_[directory];
}

const Settings& SettingsTree::settings_of(const std::string& config_file) {
  auto it = by_file_.find(config_file);
  if (it != by_file_.end()) return *it->second;
  std::string error;
  std::optional<Settings> settings = settings_from_file(options_, config_file, error);
  if (!settings) {
    if (error_.empty()) error_ = error;
    return *project_;
  }
  settings->baseline = project_->baseline;  // the baseline is the run's (project_ applies it)
  auto& slot = by_file_[config_file];
  slot = std::make_unique<Settings>(std::move(*settings));
  return *slot;
}

fs::path SettingsTree::absolute(const std::string& path) const {
  const fs::path p(path);
  if (p.is_absolute() || cwd_.empty()) {
    std::error_code ec;
    return fs::absolute(p, ec).lexically_normal();
  }
  return (cwd_ / p).lexically_normal();
}

const Settings& SettingsTree::for_directory(const std::string& directory) {
  if (fixed_) return *project_;
  fs::path dir = absolute(directory);
  if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) dir = dir.parent_path();
  return settings_of(config_for(dir.string()));
}

const Settings& SettingsTree::for_file(const std::string& path) {
  if (fixed_) return *project_;
  const size_t slash = path.rfind('/');
  const std::string_view name = std::string_view(path).substr(slash == std::string::npos ? 0 : slash + 1);
  if (name.empty() || name == "." || name == "..") return for_directory(absolute(path).parent_path().string());
  std::string spelled = path.substr(0, slash == std::string::npos ? 0 : slash + 1);
  if (auto it = by_spelled_directory_.find(spelled); it != by_spelled_directory_.end()) return *it->second;
  const Settings& settings = for_directory(absolute(path).parent_path().string());
  by_spelled_directory_.emplace(std::move(spelled), &settings);
  return settings;
}

bool SettingsTree::load(const std::vector<std::string>& paths, std::string& error) {
  std::set<std::string> directories;
  for (const std::string& p : paths) {
    // The text before the last '/' (fs::path parsing per file was 3% of a 100,000-file run).
    const size_t slash = p.rfind('/');
    directories.insert(slash == std::string::npos ? std::string() : slash == 0 ? std::string("/") : p.substr(0, slash));
  }
  for (const std::string& d : directories) for_directory(d.empty() ? "." : d);
  error = error_;
  return error_.empty();
}

std::vector<const rules::Rule*> SettingsTree::union_rules() const {
  std::set<const rules::Rule*> used;
  for (const auto& [file, settings] : by_file_) used.insert(settings->rules.begin(), settings->rules.end());
  std::vector<const rules::Rule*> out;
  for (const rules::Rule* r : rules::all_rules()) {
    if (used.count(r)) out.push_back(r);
  }
  return out;
}

bool show_path_settings(SettingsTree& tree, const std::vector<std::string>& paths, std::ostream& out,
                        std::string& error) {
  const std::set<std::string> sorted(paths.begin(), paths.end());
  bool first = true;
  for (const std::string& path : sorted) {
    std::error_code ec;
    const Settings& settings = fs::is_directory(path, ec) ? tree.for_directory(path) : tree.for_file(path);
    if (!tree.error().empty()) {
      error = tree.error();
      return false;
    }
    if (!first) out << "\n";
    first = false;
    out << "settings for: " << display_path(path) << "\n";
    show_settings(settings, settings.rules, out);
  }
  return true;
}

}  // namespace app
