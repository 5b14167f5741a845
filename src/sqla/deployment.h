#pragma once
// Where the project's code runs: serverless platforms, server processes (gunicorn, uvicorn,
// Celery, multiprocessing), the poolers it runs and the environment its files set. Read from
// non-Python deployment files (serverless.yml, template.yaml, Dockerfile, Procfile, compose
// files, .env, ...) and from Python entry points; rules read the merged DeploymentFacts.
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/source_file.h"
#include "py/module.h"
#include "sqla/facts.h"

namespace sqla {

/// True when a file with this name (or relative path) is a deployment file poolaudit reads.
bool is_deployment_file(std::string_view path);

/// True when the deployment file builds or runs a unit of code (serverless.yml, a Dockerfile, a
/// Procfile, compose, ...): its directory is a service (services.h). Env files and scripts are not.
bool defines_service(std::string_view path);

/// Reads one deployment file. A file that cannot be parsed adds a PA003 diagnostic.
DeploymentFacts read_deployment_file(const core::SourceFile& source, std::vector<core::Finding>& diagnostics);

/// Python side, per evaluated call (Mangum, functions_framework, CDK Lambda constructs,
/// multiprocessing pools, module-level connects, `dispose(close=False)`).
void observe_deployment_call(const py::CallSite& call, FileFacts& facts);

/// Python side, after the module was analysed: `lambda_handler(event, context)`, gunicorn
/// config modules, fork hooks, `AWS_LAMBDA_*` checks.
void collect_python_deployment(const py::Module& module, FileFacts& facts);

/// Project phase: merges every file's deployment facts into `facts.deployment` (Vercel
/// functions, gunicorn config files with their command lines). `roots` are the audited directories
/// as displayed: evidence found in Python code covers the root it was found under. Run before
/// resolve_project() so engine URLs can come from env files.
void merge_deployment(ProjectFacts& facts, std::vector<DeploymentFacts> from_files, const std::vector<std::string>& roots);

/// The value an env file gives `name`: files whose directory holds `near` (a source path) first, then
/// real files (.env, compose) before templates; nullptr when none.
const EnvVariable* find_env(const DeploymentFacts& deployment, std::string_view name, std::string_view near = {});

/// The database URL an env file gives `name` (placeholders and templates are not URLs); `from` gets the variable.
std::optional<DatabaseUrl> environment_url(const DeploymentFacts& deployment, std::string_view name,
                                           std::string_view near, const EnvVariable** from = nullptr);

/// Whether an engine configuration runs serverless: true / false / nullopt (unknown, silence).
/// `why` receives the deciding evidence or branch note (for finding notes).
std::optional<bool> runs_serverless(const ProjectFacts& facts, const FileFacts& file, const EngineConfig& config,
                                    std::vector<core::Note>* why = nullptr);

/// True when the project's processes run threads or asyncio (more than one checkout per process).
/// uvicorn, `fastapi run` and hypercorn: workers are spawned, nothing is inherited from a parent.
bool spawns_workers(const ServerProcess& p);
bool concurrent_workers(const DeploymentFacts& deployment);

/// One engine's share of the connection budget.
struct BudgetTerm {
  const EngineSite* site = nullptr;
  const FileFacts* file = nullptr;
  std::optional<int> per_process;   ///< pool_size + max_overflow; nullopt = unbounded
  std::string arithmetic;           ///< "pool_size 5 (SQLAlchemy default) + max_overflow 10 (app/db.py:4)"
};

struct Budget;

/// One service's share of a database server that several services reach.
struct BudgetShare {
  std::string service;              ///< the service's directory ("" = the root)
  int processes = 0;
  std::string processes_origin;
  core::Location processes_where;
  std::optional<int> total;         ///< its processes × its engines; nullopt = unbounded
  size_t engines = 0;               ///< how many of the budget's engines are its (in order)
  const DeploymentFacts* deployment = nullptr;
};

/// The connection budget arithmetic for one database server.
struct Budget {
  std::string server;               ///< "db:5432" ("" when the URL's host is unknown)
  /// The server's identity across services ("db:5432", the dialect's default port filled in); ""
  /// when it cannot be told apart from another's (unknown host, loopback, a compose host that
  /// several compose files define): such a budget is never added to another service's.
  std::string server_key;
  /// With several services on one server: each one's processes and engines (`engines` holds them
  /// all, in service order); empty for one service's budget.
  std::vector<BudgetShare> shares;
  std::vector<BudgetTerm> engines;
  int processes = 0;
  std::string processes_origin;     ///< "gunicorn 4 from Procfile:1 (`--workers 4`)"
  core::Location processes_where;   ///< the declaration of the largest web tier
  std::optional<int> total;         ///< nullopt = unbounded
  int limit = 100;
  std::string limit_origin;         ///< "PostgreSQL's default max_connections"
  /// Where `limit` comes from, weakest first: the services sharing a server keep the strongest.
  enum class LimitSource { kDialectDefault, kServerSetting, kConfiguration };
  LimitSource limit_source = LimitSource::kDialectDefault;
  std::string service;              ///< the service's directory, with several services ("" = the root)
  const DeploymentFacts* deployment = nullptr;  ///< where its processes run (the service's)
  bool exceeds() const { return !total || *total > limit; }
  /// "4 processes × (5 + 10) = 60 ≤ 100 (PostgreSQL's default max_connections)"
  std::string describe() const;
};

/// The project's connection budgets (empty when no process count or no countable engine is known):
/// one set per service, its processes times the pools of its own files' engines; the budgets of
/// services whose engines reach the same database server (same server_key) are one budget, the
/// sum of their shares (facts PA105: max_connections is the server's, whoever connects).
std::vector<Budget> connection_budgets(const ProjectFacts& facts);

/// Long-lived: created at module level (or through a project wrapper there) in application code.
bool long_lived(const FileFacts& file, const EngineSite& site);

/// Prints the merged deployment facts (for --dump-facts).
void dump(const DeploymentFacts& deployment, std::ostream& out);

/// "AWS Lambda", "server processes", "" when nothing is known.
std::string platform_summary(const ProjectFacts& facts);
/// The same for one service's deployment facts and configuration.
std::string platform_summary(const ConfiguredContext& configured, const DeploymentFacts& deployment);

}  // namespace sqla
