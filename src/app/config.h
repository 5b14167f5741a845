#pragma once
// Configuration files: `[tool.poolaudit]` in pyproject.toml, `poolaudit.toml`, `.poolaudit.toml`
// (top-level keys), found from the audited path upwards; the command line overrides them.
#include <map>
#include <optional>
#include <ostream>
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
  std::vector<std::string> extend_select;
  std::vector<PerFileIgnore> per_file_ignores;
  std::vector<RoleGlob> roles; ///< in the order written; the first match wins
  std::map<std::string, core::Severity> severity;  ///< rule code -> severity
  std::optional<int> workers;
  std::optional<int> max_connections;
  std::optional<bool> serverless;  ///< nullopt: auto (decided from evidence)
  std::optional<sqla::Version> sqlalchemy;
  std::optional<Baseline> baseline;  ///< --baseline FILE, read up front (a missing file is exit 2)
  /// "config: pyproject.toml" for notes and ProjectContext origins.
  std::string origin() const { return file.empty() ? std::string() : "config: " + file; }
};

/// Finds and reads the configuration file (`--config`, or discovery unless `--isolated`) and merges
/// the command line over it. A bad file, key or value is nullopt with `error` naming file:line and key.
std::optional<Settings> resolve_settings(const Options& options, std::string& error);

/// The configuration file that applies to `start` (a file or directory): the closest directory
/// wins; within one, .poolaudit.toml > poolaudit.toml > pyproject.toml with [tool.poolaudit].
std::string find_config_file(const std::string& start);

/// The rules chosen by select / extend-select / ignore.
std::optional<std::vector<const rules::Rule*>> settings_rules(const Settings& settings, std::string& error);

/// The deployment keys and `sqlalchemy-version` override what the project's files say.
void apply_settings(const Settings& settings, sqla::ProjectContext& context);

/// The role the configuration gives the file at `path` (a display path),
/// nullopt when none does.
std::optional<core::FileRole> configured_role(const Settings &settings,
                                              const std::string &path);

/// True when `per-file-ignores` drops this finding's rule for its file.
bool per_file_ignored(const Settings& settings, const core::Finding& finding);

/// After the rules ran: per-file-ignores, severity overrides, scope and subject, inline
/// suppressions (their problems become diagnostics), then the baseline.
void apply_policy(const Settings& settings, const sqla::ProjectFacts& facts, DirectiveMap& directives,
                  const std::vector<const rules::Rule*>& selected, core::Report& report);

/// `--show-settings`: the resolved settings and where they came from.
void show_settings(const Settings& settings, const std::vector<const rules::Rule*>& selected, std::ostream& out);

}  // namespace app
