#pragma once
// Configuration files: `[tool.poolaudit]` in pyproject.toml, `poolaudit.toml`, `.poolaudit.toml`
// (top-level keys), each applying to the files below its directory (the closest wins, as in ruff);
// `extend` inherits another file's; the command line overrides them. config_tree.h finds the one
// for each file.
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "app/baseline.h"
#include "app/options.h"
#include "app/suppressions.h"
#include "core/finding.h"
#include "core/report.h"
#include "rules/rule.h"
#include "sqla/facts.h"

namespace app {

/// `per-file-ignores`: rules dropped for the files a glob matches.
struct PerFileIgnore {
  std::string glob;              ///< as written
  std::string pattern;           ///< anchored at its base directory ("/abs/dir/tests/*") when it has a '/'
  std::vector<std::string> ids;  ///< rule ids, prefixes or names
};

/// `roles`: files a glob matches get this role, whatever the classifier says.
struct RoleGlob {
  core::FileRole role;
  std::string glob;    ///< as written
  std::string pattern; ///< anchored like per-file-ignores
};

/// The command line merged over the configuration file: what a run uses.
struct Settings {
  Options options;                ///< select / ignore / exclude / fail-on merged
  std::string file;               ///< the configuration file (display path), "" when none
  std::string table;              ///< "[tool.poolaudit]" for pyproject.toml, "" for top-level keys
  /// `file` and the files it extends, nearest first ("pyproject.toml [tool.poolaudit]").
  std::vector<std::string> chain;
  std::set<std::string> keys;     ///< the keys the chain sets (an extending file's replace the base's)
  std::vector<std::string> exclude;         ///< key `exclude`, anchored (merged into options.exclude)
  std::vector<std::string> extend_exclude;  ///< key `extend-exclude`, anchored
  std::vector<std::string> extend_select;
  std::vector<PerFileIgnore> per_file_ignores;
  std::vector<RoleGlob> roles; ///< in the order written; the first match wins
  std::map<std::string, core::Severity> severity;  ///< rule code -> severity
  std::optional<int> workers;
  std::optional<int> max_connections;
  std::optional<bool> serverless;  ///< nullopt: auto (decided from evidence)
  std::optional<sqla::Version> sqlalchemy;
  std::optional<Baseline> baseline;  ///< --baseline FILE, read up front (a missing file is exit 2)
  std::vector<const rules::Rule*> rules;  ///< what select / ignore / extend-select choose (settings_rules)
  /// "config: pyproject.toml" for notes and ProjectContext origins.
  std::string origin() const { return file.empty() ? std::string() : "config: " + file; }
};

/// The project-wide settings: the configuration file (`--config`, or unless `--isolated` the one
/// that applies to the directory holding every audited path, see config_tree.h), its `extend`
/// chain, the command line merged over it, and the baseline. A bad file, key or value is nullopt
/// with `error` naming file:line and key.
std::optional<Settings> resolve_settings(const Options& options, std::string& error);

/// Reads one configuration file and the files it extends (nothing when `file` is ""), then merges
/// the command line over it (no baseline). nullopt with `error` naming the file on a problem.
std::optional<Settings> settings_from_file(const Options& options, const std::string& file, std::string& error);

/// The file resolve_settings() reads: --config, nothing with --isolated, else the one that applies
/// to common_directory() of the audited paths (whatever their order).
std::string project_config_file(const Options& options);

/// The configuration file in `directory` itself (not above it), "" when none:
/// .poolaudit.toml > poolaudit.toml > pyproject.toml with [tool.poolaudit] (ruff's order).
std::string config_file_in(const std::string& directory);

/// The configuration file that applies to `start` (a file or directory): the closest directory
/// wins; within one, .poolaudit.toml > poolaudit.toml > pyproject.toml with [tool.poolaudit].
std::string find_config_file(const std::string& start);

/// The rules chosen by select / extend-select / ignore.
std::optional<std::vector<const rules::Rule*>> settings_rules(const Settings& settings, std::string& error);

/// The deployment keys and `sqlalchemy-version` override what the project's files say.
void apply_settings(const Settings& settings, sqla::ProjectContext& context);

/// A service's context from the configuration that applies to its directory (`own`): its
/// `workers`, `max-connections`, `serverless` and `sqlalchemy-version` replace the project's
/// when that is another file than the project's (an extended file's keys are inherited).
void apply_service_settings(const Settings& project, const Settings& own, sqla::Service& service);

/// The role the configuration gives the file at `path` (a display path),
/// nullopt when none does.
std::optional<core::FileRole> configured_role(const Settings &settings,
                                              const std::string &path);

/// True when `per-file-ignores` drops this finding's rule for its file.
bool per_file_ignored(const Settings& settings, const core::Finding& finding);

/// The settings that apply to a path (a display path): its configuration's (config_tree.h).
using SettingsFor = std::function<const Settings&(const std::string& path)>;

/// True when `settings` run `finding`'s rule (select / ignore / extend-select of its file).
bool rule_selected(const Settings& settings, const core::Finding& finding);

/// After the rules ran, with each finding's file's settings: rules its configuration does not
/// select are dropped, per-file-ignores, severity overrides, scope and subject, inline suppressions
/// (their problems become diagnostics), then the baseline (`project`'s).
void apply_policy(const Settings& project, const SettingsFor& settings_for, const sqla::ProjectFacts& facts,
                  DirectiveMap& directives, const std::vector<const rules::Rule*>& selected, core::Report& report);

/// `--show-settings`: the resolved settings and where they came from (the configuration file and
/// each file it extends).
void show_settings(const Settings& settings, const std::vector<const rules::Rule*>& selected, std::ostream& out);

}  // namespace app
