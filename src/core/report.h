#pragma once
// The one result model every reporter renders. Plain data: strings are final (paths relative
// with '/', URLs masked), so a reporter only formats.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/finding.h"

namespace core {

/// One engine configuration (a branch combination) in the inventory.
struct InventoryConfig {
  std::string branch;                                     ///< "" when unconditional
  std::string pool;                                       ///< "NullPool", "QueuePool", "unknown"
  std::string pool_source;                                ///< "poolclass=NullPool (app/db.py:12)" / "default for postgresql URLs"
  std::vector<std::pair<std::string, std::string>> options;  ///< keyword -> rendered value
  bool complete = true;                                   ///< false: more keywords may come from unresolved **kwargs
};

struct InventoryEngine {
  Location where;
  std::string factory;   ///< "create_engine"
  std::string name;      ///< assigned to, "" when not assigned
  std::string function;  ///< enclosing function, "" at module level
  std::string url;       ///< masked, "" when unknown
  std::string backend;   ///< "postgresql+asyncpg", "" when unknown
  std::vector<InventoryConfig> configs;
};

struct InventorySessionFactory {
  Location where;
  std::string factory;   ///< "sessionmaker"
  std::string name;
  std::string bind;
  std::string teardown;  ///< scoped_session only: "removed at app/db.py:30" / "never removed"
};

/// A function that hands out sessions or connections (a dependency, a context manager) and how it closes them.
struct InventorySessionProvider {
  Location where;        ///< the creating call
  std::string function;  ///< "get_db"
  std::string kind;      ///< "FastAPI dependency", "context manager", "async context manager", "generator", "pytest fixture"
  std::string object;    ///< "session" / "connection"
  std::string closes;    ///< "with block", "finally", "never", "success path only", ...
  std::string closed_at; ///< "app/db.py:14", "" when not known
};

struct InventoryAlembicEnv {
  Location where;        ///< the env.py file (line 1) or its engine call
  std::string engine;    ///< factory used, "" when the connection is handed in
  std::string pool;      ///< pool of its engine
};

struct Inventory {
  std::vector<InventoryEngine> engines;
  std::vector<InventorySessionFactory> session_factories;
  std::vector<InventorySessionProvider> session_providers;
  std::vector<InventoryAlembicEnv> alembic_envs;
};

/// One line of the deployment context: what was found, and where (invalid when nowhere in particular).
struct DeploymentEntry {
  std::string text;
  Location where;
};

/// One service of a repository that holds several: where its code runs, with what.
struct ServiceContext {
  std::string path;                        ///< its directory ("." for the current one)
  std::string markers;                     ///< "serverless.yml, requirements.txt": why it is a service
  std::string platform;                    ///< "AWS Lambda", "gunicorn server processes"; "" when unknown
  std::vector<DeploymentEntry> processes;  ///< as in DeploymentContext
  std::vector<DeploymentEntry> versions;   ///< "SQLAlchemy 1.4.52 (services/web/requirements.txt:1)"
  std::string dialect;                     ///< the database its own evidence names ("" when none or several)
};

/// Where the code runs, as the project's files say: the "Deployment context" section.
struct DeploymentContext {
  std::string platform;                   ///< "AWS Lambda", "gunicorn server processes", "" when unknown
  std::vector<DeploymentEntry> evidence;  ///< serverless and server evidence
  std::vector<DeploymentEntry> processes; ///< "gunicorn: 4 workers (Procfile:1 `--workers 4`), --preload"
  std::vector<DeploymentEntry> poolers;   ///< "pgbouncer:6432 transaction mode"
  std::vector<DeploymentEntry> versions;  ///< "SQLAlchemy 2.0.28 (requirements.txt:3)"
  std::vector<DeploymentEntry> budget;    ///< connection budget arithmetic, one line per database server
  std::vector<ServiceContext> services;   ///< the services, when the repository holds several
  bool empty() const {
    return platform.empty() && evidence.empty() && processes.empty() && poolers.empty() && versions.empty() && budget.empty();
  }
};

enum class CheckStatus { kPass, kFail, kNotApplicable };

/// One line of the verification checklist, with the rules behind it.
struct Check {
  std::string id;                    ///< "pool-options-coherent"
  std::string title;                 ///< "Pool options are coherent with the pool class"
  std::vector<std::string> rules;    ///< codes that decide it
  CheckStatus status = CheckStatus::kNotApplicable;
  size_t findings = 0;               ///< unsuppressed findings of those rules
  std::string detail;                ///< "3 engines checked", "no Alembic env.py found"
};

struct Summary {
  size_t errors = 0;
  size_t warnings = 0;
  size_t infos = 0;
  size_t suppressed = 0;
  size_t baselined = 0;      ///< of the suppressed: matched by the --baseline file
  size_t files = 0;          ///< files audited (Python + ini)
  size_t skipped = 0;        ///< files reported by PA0xx and skipped
  std::array<size_t, kRoleCount>
      roles{}; ///< audited files per role (core::FileRole order)
};

struct Report {
  std::string tool = "poolaudit";
  std::string version;
  std::string root;                   ///< what was audited, as given
  std::vector<Finding> findings;      ///< sorted, rule findings only
  std::vector<Finding> diagnostics;   ///< PA0xx input diagnostics, sorted
  Inventory inventory;
  DeploymentContext deployment;
  std::vector<Check> checks;
  Summary summary;
  std::vector<RuleInfo> rules;        ///< the rules that ran, by code (SARIF rule metadata)
  std::string rule_docs_url;          ///< base of the rule pages (core::rule_doc_url); "" = no links
  std::string blob_url;               ///< "https://host/owner/repo/blob/<sha>/": files at the audited commit (CI); "" = none
  /// The source lines findings and diagnostics point at (path -> line -> raw text without its line
  /// break), for the text excerpts; empty unless the run asked for them.
  std::map<std::string, std::map<uint32_t, std::string>> source_lines;
};

/// "8 production, 3 test, 1 migration": the audited files per role, roles with
/// none left out.
std::string role_breakdown(const Summary &summary);

/// "pass" / "fail" / "n/a".
const char* check_status_name(CheckStatus status);

}  // namespace core
