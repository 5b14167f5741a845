#pragma once
// Hierarchical configuration, as ruff does it: every file gets the settings of the configuration
// file closest above it (with the files that one extends, and the command line over them), so each
// service of a monorepo keeps its own select / ignore / per-file-ignores / severity / roles /
// fail-on / exclude. `--config FILE` gives every file that one; `--isolated` gives every file the
// defaults. What cannot differ per file (the report, the baseline, the rule docs URL, the project
// context keys) comes from the project settings: those of the directory holding every audited path,
// so the order of the paths changes nothing.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/config.h"
#include "app/options.h"
#include "rules/rule.h"

namespace app {

class SettingsTree {
 public:
  /// The project settings (resolve_settings) and, unless --config or --isolated fix one for every
  /// file, discovery per directory. nullopt with `error` naming the file and key on a bad one.
  static std::optional<SettingsTree> resolve(const Options& options, std::string& error);

  /// One settings for every file (the in-memory entry points), running `selected`.
  static SettingsTree single(Settings settings, const std::vector<const rules::Rule*>& selected);

  const Settings& project() const { return *project_; }

  /// Reads the configuration of each path's directory (a display path; each directory once).
  /// False with `error` naming the file on a bad configuration (exit 2).
  bool load(const std::vector<std::string>& paths, std::string& error);

  /// The settings of a file (a display path or a file name): those of the closest configuration
  /// above it, the defaults (with the command line) when there is none.
  const Settings& for_file(const std::string& path);
  /// The same for a directory (`--show-settings DIR`).
  const Settings& for_directory(const std::string& directory);

  /// The first configuration problem met by a lookup after load(), "" when none.
  const std::string& error() const { return error_; }

  /// Every rule some file's settings run, in registry order (the rules the run executes; each
  /// finding is then kept only where its file's settings select its rule).
  std::vector<const rules::Rule*> union_rules() const;

 private:
  SettingsTree() = default;
  /// The configuration file that applies to an absolute, normal directory ("" = none), memoised.
  const std::string& config_for(const std::string& directory);
  const Settings& settings_of(const std::string& config_file);
  /// Absolute and normal, against the current directory read once (getcwd per file is costly).
  std::filesystem::path absolute(const std::string& path) const;

  Options options_;
  std::filesystem::path cwd_;
  bool fixed_ = false;  ///< --config, --isolated or single(): project_ for every file
  std::string project_file_;
  std::map<std::string, std::unique_ptr<Settings>> by_file_;  ///< absolute config file ("" = none) -> settings
  const Settings* project_ = nullptr;
  std::map<std::string, std::string> directory_config_;  ///< absolute directory -> its config file
  /// A file's directory as spelled ("app/", "" for none) -> its settings: a run asks for each file
  /// several times (walk, roles, policy), and making the path absolute each time was 13% of a
  /// 100,000-file run.
  std::unordered_map<std::string, const Settings*> by_spelled_directory_;
  std::string error_;
};

/// `poolaudit --show-settings [PATH...]`: the settings of each path (sorted), and the
/// configuration files they came from. False with `error` on a bad configuration.
bool show_path_settings(SettingsTree& tree, const std::vector<std::string>& paths, std::ostream& out,
                        std::string& error);

}  // namespace app
