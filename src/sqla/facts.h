#pragma once
// What poolaudit knows about a project: engines and their configurations per branch, session
// factories, Alembic environments, database URLs written in code and ini files. Built from the
// py:: layer; rules read only these facts, never syntax trees.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/finding.h"
#include "core/role.h"
#include "core/source_file.h"
#include "py/module.h"
#include "sqla/dialect_evidence.h"
#include "sqla/edit_anchors.h"
#include "sqla/entry_points.h"
#include "sqla/knowledge.h"
#include "sqla/url.h"
#include "ts/tree.h"

namespace sqla {

/// The pool an engine configuration ends up with, and why.
struct PoolChoice {
  Pool kind = Pool::kUnknown;
  bool explicit_class = false;  ///< poolclass= given
  bool instance = false;        ///< pool=<instance> given
  core::Location origin;        ///< where the class was written (explicit) or the URL (implied)
  std::string how;              ///< "poolclass=NullPool", "default for sqlite :memory:"
  /// The URL is not resolved and the kind holds for every database but SQLite (pool_assumption.h):
  /// rules that depend only on "keeps connections or not" may use it and must say `assumption`;
  /// rules that need the dialect must not.
  bool assumed = false;
  std::string assumption;       ///< "the URL is not resolved; any database but a SQLite file ..."
};

/// The library versions one set of dependency files declares (a project, or one service of it).
struct DependencyVersions {
  std::optional<Version> sqlalchemy;
  std::string sqlalchemy_origin;  ///< "requirements.txt:3"
  std::optional<Version> flask_sqlalchemy;
  std::string flask_sqlalchemy_origin;
  std::optional<Version> fastapi;   ///< lifespan handlers exist from 0.93
  std::string fastapi_origin;
  /// Every distribution the manifests declare (requirements*.txt, pyproject, setup.cfg): the
  /// database drivers among them are evidence of the project's database (dialect_evidence.h).
  std::vector<Dependency> dependencies;
  Version sqlalchemy_or_latest() const { return sqlalchemy.value_or(kLatestSqlalchemy); }
  bool empty() const { return !sqlalchemy && !flask_sqlalchemy && !fastapi; }
};

/// What poolaudit's configuration ([tool.poolaudit] / poolaudit.toml) says about where code runs;
/// each key overrides what the project's files say. The project's, and with several services each
/// service's own: the configuration closest above the service's directory (context_of()).
struct ConfiguredContext {
  std::optional<int> config_workers;          ///< `workers`: processes per deployment
  std::optional<int> config_max_connections;  ///< `max-connections`: the database's connection budget
  std::optional<bool> config_serverless;      ///< `serverless = true|false`; nullopt = auto (evidence)
  std::string config_origin;                  ///< the configuration file, for notes
};

/// The project's versions (those of its root, or of the audited directory nearest the files) and
/// what the configuration says. A file under a service with its own dependency files has its own
/// versions: rules read them with versions_of().
struct ProjectContext : DependencyVersions, ConfiguredContext {
  std::string root;               ///< the project root ("" when none was found)
  // `sqlalchemy-version` of the configuration sets `sqlalchemy` with origin "config: <file>".
  /// The audited directories as displayed ("" for "."): file roles are decided
  /// on paths relative to them, so auditing `tests/fixtures/app` does not make
  /// every file a test.
  std::vector<std::string> audit_roots;
};

/// One configuration an engine call can receive: one per reaching combination of branches.
struct EngineConfig {
  std::vector<py::Argument> keywords;  ///< engine keywords; engine_from_config: config entries, then kwargs
  bool complete = true;                ///< no unresolved `**x` / config mapping can add keywords
  bool call_complete = true;           ///< the call's own arguments are known (no unresolved `**x`);
                                       ///< engine_from_config's mapping may still be unresolved
  std::optional<DatabaseUrl> url;
  core::Location url_origin;
  PoolChoice pool;
  bool is_async = false;
  // engine_from_config: the mapping is read at run time (an ini section, a settings dict not in
  // the code), so its entries may come from an ini file's `<prefix>...` keys.
  bool runtime_configuration = false;
  std::optional<std::string> config_prefix;  ///< engine_from_config's prefix when known ("sqlalchemy.")
  std::string branch;                  ///< "`IS_LAMBDA` is true (line 3)"; "" when unconditional
  std::vector<core::Note> branch_notes;
  std::string url_variable;            ///< the environment variable the URL is read from, when unresolved in code
  std::string url_source;              ///< "DATABASE_URL from .env:3" when the URL came from an env file
  // The URL names no dialect, but every piece of the project's evidence names one database
  // (dialect_evidence.h): never a resolved URL, and rules that use it say so.
  std::string inferred_family;         ///< "mysql", "postgresql"; "" when not inferred
  std::string inferred_driver;         ///< "pymysql" when the evidence names one driver of the engine's kind
  std::string inferred_from;           ///< the evidence: "the dependency pymysql (requirements.txt:4)"

  const py::Argument* arg(std::string_view name) const;
  /// True when the keyword is present; nullopt when absent but the set is incomplete.
  std::optional<bool> has(std::string_view name) const;
};

/// An engine call's arguments on one branch combination, before project resolution.
struct RawEngineCall {
  py::ArgumentSet args;
  std::string branch;
  std::vector<core::Note> branch_notes;
};

struct EngineSite {
  core::Location where;          ///< the whole call; findings anchor on its first line
  /// The call's argument list, parentheses included (where a fix inserts or rewrites arguments);
  /// invalid for engines built by Flask-SQLAlchemy from configuration.
  core::TextSpan arguments;
  Factory factory = Factory::kCreateEngine;
  std::string callee;            ///< as written: "sa.create_engine"
  std::string assigned_to;       ///< "engine", "self.engine", "" when not assigned
  std::string function;          ///< enclosing function ("" at module level)
  bool in_loop = false;          ///< created on every iteration of a loop in a function and kept
                                 ///< local (not stored, passed on or returned)
  bool wrapped_async = false;    ///< AsyncEngine(engine_from_config(...))
  std::string through;           ///< the project wrapper this call goes through ("make_engine")
  core::Location wrapped_site;   ///< with `through`: the engine call inside the wrapper (its own site)
  bool flask_sqlalchemy = false; ///< built by Flask-SQLAlchemy from app config (it adds defaults)
  std::vector<std::string> parameters;  ///< the enclosing module-level function's named parameters
  std::vector<py::ValuePtr> parameter_defaults;  ///< their defaults (null: none), what a call that omits one gets
  std::string kwargs_parameter;         ///< and its `**kwargs` name
  std::vector<RawEngineCall> raw;       ///< as the file phase saw them
  std::vector<EngineConfig> configs;    ///< derived by resolve_project()
};

/// A sessionmaker / async_sessionmaker / scoped_session / Session(...) call (inventory).
struct SessionFactorySite {
  core::Location where;
  std::string callee;
  std::string assigned_to;
  std::string bind;              ///< source text of the bind, when given
  std::string function;
  bool scoped = false;           ///< scoped_session / async_scoped_session: a thread/task-local registry
};

/// How a session or connection created in a function is released (sessions.cpp).
enum class Release : uint8_t {
  kUnknown,         ///< an escape or a shape the analysis does not follow: rules stay silent
  kWith,            ///< `with`/`async with` item (also `with name:` later, `with x.begin()`)
  kFinally,         ///< `name.close()` in a `finally` clause
  kExceptAndHappy,  ///< closed in an `except` clause and after it (the rollback/raise idiom)
  kClosing,         ///< `contextlib.closing(...)`
  kReturned,        ///< returned to the caller
  kStored,          ///< stored on an attribute / container, aliased, or used by a nested function
  kPassed,          ///< passed to a call that may own it (and never closed here)
  kTeardown,        ///< `name.close` registered as a callback
  kHappyPathOnly,   ///< closed, but not on the exception path
  kExceptOnly,      ///< closed only in an `except` clause: the normal path leaves it open
  kNever,           ///< never closed, never escapes
  kThrowAway,       ///< created inline and used once: `Session(engine).execute(...)`
};

/// A session or connection given to another module's function: a hand-over only when that
/// function closes or keeps the parameter (confirmed at project phase).
struct Handover {
  std::string symbol;   ///< "app.services.run_and_close", or "app.repo.Repo" (its __init__)
  int position = -1;    ///< positional index of the argument (-1: by keyword)
  std::string keyword;  ///< the keyword it is passed by
};

/// A parameter that its function closes (with, finally, close()) or keeps (self, a container): a
/// session passed there is handed over.
struct ParameterCustody {
  std::string function;   ///< qualified name in its module ("run_and_close", "Repo.__init__")
  std::string parameter;  ///< "*" for a class without its own __init__ (generated or inherited): any
  int index = 0;          ///< position among the named parameters (self included)
};

/// A reference to a module-level name that may be a scoped_session registry (PA205).
struct RegistryReference {
  enum class Kind : uint8_t {
    kRelease,     ///< `R.remove` / `R.close` (called with no arguments or passed as a callback), `register(R)`
    kClosedCall,  ///< `R()`, and the session it gives is closed on every path (with, finally)
    kOther,       ///< anything else: a proxied use (`R.query`), a session not closed, passed on
  };
  std::string symbol;  ///< "app.db.db_session"; "" when the receiver is not a module-level name
  std::string text;    ///< as written ("db_session", "self.db_session")
  Kind kind = Kind::kOther;
  core::Location where;
};

/// A use of a module-level name spelled with "engine" (engine_uses.h).
struct EngineReference {
  std::string symbol;     ///< "app.db.engine", "config.get_sync_engine"
  std::string function;   ///< the enclosing function's qualified name ("" at module level)
  bool plain_function = false;  ///< that function is module-level, undecorated and not nested
  core::Location where;
};

/// A Session / AsyncSession / connection created in the file, and how it is released.
struct SessionUse {
  core::Location where;          ///< the creating call
  bool connection = false;       ///< engine.connect() / raw_connection() / begin(); else a Session
  std::string callee;            ///< as written: "SessionLocal", "engine.connect"
  std::string name;              ///< the local name it is bound to ("" when not bound to a name)
  std::string function;          ///< enclosing function ("" at module level)
  bool module_level = false;     ///< created by a module's top-level statement
  bool in_generator = false;     ///< the enclosing function is a generator
  bool yielded = false;          ///< the generator yields it (a dependency / context provider)
  bool foreign_bind = false;     ///< bound to something not known to be an engine (a caller's connection)
  bool test_fixture = false;     ///< the function is a pytest fixture (pytest resumes it after the test)
  bool setup_once = false;       ///< closed on the success path of the set-up of a pytest fixture whose
                                 ///< scope is wider than a test (session/package/module/class): only the
                                 ///< fixture's own error skips the close, and pytest never reruns it
  bool early_exit = false;       ///< a `return`/`raise` between creation and the close leaves unclosed
  bool unbound = false;          ///< `Session()` with no bind and nothing in the function that binds it:
                                 ///< (2.0) it cannot acquire a connection
  Release release = Release::kUnknown;
  core::Location release_where;  ///< the with item / close() / return / yield
  core::Location commit_in_finally;  ///< `name.commit()` in a `finally` whose `try` uses it or yields
  bool commit_after_except = false;  ///< ... or after an `except:` that swallows the error at the yield
  std::string symbol;            ///< a project name to confirm at project phase ("app.db.SessionLocal")
  bool confirmed = true;         ///< false until `symbol` resolves to a session factory
  std::vector<Handover> handovers;  ///< given to other modules' functions (kNever until one owns it)
  bool lent = false;             ///< given to calls that borrow it (not shown to close or keep it)
};

/// `with f()` / `async with f()` where `f` is a function of the project (PA207 checks generators).
struct WithCall {
  core::Location where;          ///< the call
  std::string callee;            ///< as written
  bool async_with = false;
  std::string symbol;            ///< another module's function, confirmed at project phase
  bool plain_generator = false;  ///< `f` is a generator without a decorator (no context manager)
  bool async_generator = false;
  core::Location definition;     ///< the `def` (same module only)
};

/// `autocommit=True` given to sessionmaker / Session (removed in SQLAlchemy 2.0).
struct SessionAutocommit {
  core::Location call;
  core::Location where;          ///< the keyword (or dict entry)
  std::string callee;
  std::string via;               ///< "**opts"
  std::string branch;
  /// Deletes the keyword (or, with `via`, its dict entry) where it was written (core/fix.h);
  /// invalid when no deletion removes it (a subclass's __init__, a store into **kwargs).
  core::TextSpan removal;
};

/// `x.dispose()`, for Alembic env.py and lifecycle rules.
struct DisposeCall {
  core::Location where;
  std::string receiver;
  bool awaited = false;
  std::string function;
  bool close_false = false;      ///< dispose(close=False): drops inherited connections in a forked child
};

/// A database URL written as a string literal.
struct UrlLiteral {
  core::Location where;
  DatabaseUrl url;
  std::string assigned_to; ///< `NAME = "..."`: the target as written
                           ///< ("DB_PLACEHOLDER_URL"), else ""
};

/// `app.config["SQLALCHEMY_..."] = value` / `app.config.update(SQLALCHEMY_...=...)`.
struct FlaskConfigWrite {
  std::string key;
  py::ValuePtr value;
  core::Location where;
  std::vector<core::Note> branch_notes;
};

/// A Flask-SQLAlchemy extension: `SQLAlchemy(app, engine_options={...})`.
struct FlaskExtensionSite {
  core::Location where;
  std::string callee;
  py::ValuePtr engine_options;    ///< the constructor's engine_options, or null
  core::Location options_where;
};

/// A web application or test client object. Requests run on other threads than the code that
/// built the engine (FastAPI's threadpool, Flask's threaded dev server, TestClient's portal thread).
struct WebApp {
  std::string framework;    ///< "fastapi", "flask", "starlette"
  core::Location where;     ///< the constructor call
  std::string assigned_to;  ///< "app" ("" when not bound to a name)
  bool test_client = false; ///< fastapi.testclient / starlette.testclient TestClient(...)
};

/// Something that runs the file's code on other threads than the one that built
/// its engine (threads.h).
struct ThreadSource {
  std::string what; ///< "a TestClient", "FastAPI's threadpool (sync endpoint
                    ///< `read_items`)", "threading.Thread"
  core::Location where; ///< the call or the `def`
  bool test_client =
      false; ///< a TestClient: it drives the application's code from tests
};

/// What a function does with the database, when it does something recognisable.
struct DatabaseUse {
  std::string what;         ///< "disposes an engine", "creates tables", "opens a session"
  core::Location where;
};

/// A handler registered with `@x.on_event("startup" | "shutdown")` (FastAPI, deprecated for lifespan).
struct EventHandler {
  core::Location where;          ///< the decorator
  std::string event;             ///< "startup" / "shutdown"
  std::string function;          ///< the handler's name
  std::string receiver;          ///< the decorated object's symbol: "fastapi.FastAPI()", "app.main.app"
  std::optional<DatabaseUse> database;  ///< what it (or a function of its module it calls) does with the database
  std::vector<std::string> calls;       ///< project functions of other modules it calls ("app.db.init_db")
};

/// Values a module makes visible to other modules: globals ("POOL_SIZE"), class attributes
/// ("Settings.DATABASE_URL") and results of module-level functions ("get_settings()").
struct ModuleExports {
  std::unordered_map<std::string, py::Alts> names;
  std::unordered_set<std::string> classes;
};

/// Where and how the project runs, read from its non-Python files (serverless.yml, template.yaml,
/// Dockerfile, Procfile, gunicorn.conf.py, docker-compose, .env, ...) and from Python entry points.
/// Filled by deployment.cpp; the contract rules rely on is these fields.
struct Evidence {
  std::string what;       ///< "serverless.yml declares an AWS Lambda function"
  core::Location where;
  std::string platform;   ///< "AWS Lambda", "Vercel", "Google Cloud Functions", "gunicorn" ...
  std::string scope;      ///< the directory it covers ("" = the whole audited tree)
  /// The directory whose code it deploys when its file points elsewhere (a compose `build.context`,
  /// a serverless.yml handler path, a SAM CodeUri): it decides the service (services.h); "" = its own.
  std::string code_dir = {};
};

/// A PgBouncer (or other transaction-mode pooler) the project itself runs, e.g. a docker-compose service.
struct PoolerEndpoint {
  std::string host;       ///< service / host name ("pgbouncer")
  int port = 0;           ///< the port clients connect to (6432 by default)
  std::string mode;       ///< "transaction", "session", "statement", "" when not stated
  core::Location where;
};

/// A process manager / server that runs the project's code, and how many processes it starts.
struct ServerProcess {
  std::string server;              ///< "gunicorn", "uvicorn", "celery", "hypercorn", "multiprocessing"
  core::Location where;            ///< the command line, config file or call
  std::optional<int> workers;      ///< processes it starts (nullopt: not known)
  std::string workers_origin;      ///< "Procfile:1 (-w 4)", "gunicorn.conf.py:3 (workers = 4)"
  std::optional<int> threads;      ///< gunicorn --threads
  std::string worker_class;        ///< "uvicorn.workers.UvicornWorker", "gevent"
  bool forks = true;               ///< workers are forked from a parent that imported the app (not uvicorn --workers: spawn)
  bool preload = false;            ///< gunicorn --preload / preload_app = True: the app is imported before the fork
  core::Location preload_where;
  std::string command;             ///< the command as written (trimmed)
  std::string directory;           ///< directory of the file that declares it ("" = the audited root)
  std::string code_dir = {};       ///< the directory whose code it runs when not `directory` (compose build)
};

/// An environment variable a project file sets (.env, docker-compose `environment`, serverless.yml).
struct EnvVariable {
  std::string name;
  std::string value;
  core::Location where;
  bool example = false;            ///< from a template (.env.example, .env.sample, .env.template)
  std::string code_dir = {};       ///< the directory whose code it is set for (compose build), "" = its file's
};

/// Code that runs in each forked child and drops inherited connections: gunicorn `post_fork`,
/// Celery `worker_process_init`, a multiprocessing `initializer`, or `dispose(close=False)`.
struct ForkHook {
  std::string hook;                ///< "post_fork", "worker_process_init", "dispose(close=False)"
  core::Location where;            ///< the dispose call
};

/// A module-level statement that opens a database connection while the module is imported.
struct ImportTimeConnect {
  core::Location where;            ///< the statement's call
  std::string what;                ///< "engine.connect()", "Base.metadata.create_all(engine)"
  int engine = -1;                 ///< engine site index in the same file, -1 when imported
  std::string engine_symbol;       ///< "app.db.engine" when imported from another module
  std::string through;             ///< the project function called at module level that connects ("init_db")
  std::string engine_path;         ///< with `engine`: the file of that site when not `where`'s (a function of another module)
};

/// A module-level function whose body connects (`def init_db(): Base.metadata.create_all(engine)`),
/// for import-time calls of it from other modules.
struct ConnectingFunction {
  std::string qualified_name;      ///< "app.db.init_db"
  ImportTimeConnect connect;       ///< the connecting statement its body reaches
};

/// A database service of the project's docker-compose file. Its URL host is the service name (or
/// its `hostname` / `container_name`), reachable only on the compose network the project starts.
struct ComposeDatabase {
  std::vector<std::string> hosts;      ///< "db" (the service), then hostname / container_name
  std::string image;                   ///< "postgres:16" ("" when built from a Dockerfile)
  /// Password settings as written (POSTGRES_PASSWORD, MYSQL_PASSWORD, ...): "apppass",
  /// "${POSTGRES_PASSWORD:-apppass}".
  std::vector<std::string> passwords;
  core::Location where;
};

struct DeploymentFacts {
  std::vector<Evidence> serverless;        ///< empty: no serverless evidence
  std::vector<PoolerEndpoint> poolers;     ///< poolers the project configures
  std::vector<Evidence> servers;           ///< long-running server evidence (Dockerfile CMD gunicorn, Procfile web)
  std::vector<ServerProcess> processes;
  std::vector<EnvVariable> env;
  std::vector<ForkHook> fork_hooks;
  std::vector<ImportTimeConnect> import_connects;
  std::vector<ConnectingFunction> connecting_functions;  ///< per file, resolved by merge_deployment
  /// Import-time calls of another module's function (`what` = its qualified name): an import-time
  /// connect when that function is one of the project's connecting functions.
  std::vector<ImportTimeConnect> imported_calls;
  std::optional<int> max_connections;      ///< a database server the project runs sets it (`postgres -c max_connections=N`)
  core::Location max_connections_where;
  std::vector<Evidence> asgi_apps;         ///< FastAPI / Starlette / Quart applications (lifespan owners)
  std::vector<Evidence> frontend_only;     ///< files seen and judged not to be evidence (vercel.json without Python)
  std::vector<std::string> vercel_dirs;    ///< directories holding a vercel.json (api/*.py beside it = functions)
  std::vector<Evidence> database_servers;  ///< database services the project runs (compose image in `what`)
  std::vector<ComposeDatabase> compose_databases;  ///< the project's compose database services
};

/// A function or class definition's lines: names a finding's enclosing scope after the tree is freed.
struct ScopeSpan {
  uint32_t first_line = 0;
  uint32_t last_line = 0;
  std::string name;  ///< "Class.method", "function", "Class"
};

struct FileFacts {
  std::string path;
  std::string module_name;
  /// Other names the project may import the module by: below a source root (src/, backend/, a
  /// declared package directory, a SAM CodeUri) or below a directory holding its top package.
  std::vector<std::string> module_aliases;
  /// The versions of the dependency files nearest the file (requirements*.txt, pyproject.toml,
  /// setup.cfg, lock files between it and the audited directory); null: the project's.
  std::shared_ptr<const DependencyVersions> versions;
  core::FileRole role =
      core::FileRole::kProduction; ///< what kind of code the file is (roles.h)
  std::string role_why;     ///< the evidence: "file name test_*.py", "config:
                            ///< pyproject.toml"
  bool is_test = false;     ///< role == test: tests/, test_*.py, conftest.py,
                            ///< pytest / unittest
  bool creates_tables =
      false; ///< calls create_all(): data is meant to outlive one connection
  bool about_leaks = false; ///< mentions leaks, ResourceWarning, gc.collect or
                            ///< weakref (a test of leak warnings)
  bool is_alembic_env = false;   ///< an Alembic env.py (imports alembic.context)
  std::vector<EngineSite> engines;
  std::vector<SessionFactorySite> session_factories;
  std::vector<SessionUse> sessions;
  std::vector<SessionAutocommit> session_autocommit;
  std::vector<ParameterCustody> parameter_custody;     ///< parameters a function closes or keeps
  std::vector<RegistryReference> registry_references;  ///< uses of module-level names (PA205)
  std::vector<EngineReference> engine_references;  ///< uses of module-level "*engine*" names
  std::vector<std::string> star_imports;  ///< modules imported with `from X import *`, as written
  std::vector<WithCall> with_calls;
  std::vector<std::pair<std::string, bool>> plain_generators;  ///< module-level undecorated generators (name, async)
  bool is_script = false;        ///< scripts/, manage.py, or a `__main__` guard without a web framework
  /// Click / typer command functions (qualified names): one runs per process (cli_commands.h).
  std::vector<std::string> cli_commands;
  bool is_cli_command(std::string_view function) const {
    return std::find(cli_commands.begin(), cli_commands.end(), function) != cli_commands.end();
  }
  std::vector<DisposeCall> disposals;
  std::vector<UrlLiteral> url_literals;
  std::vector<DialectClue> dialect_clues;  ///< URL.create("mysql+pymysql"), pydantic PostgresDsn, ...
  std::vector<core::Location> migration_runs;  ///< alembic.command.upgrade(...) from code
  std::vector<FlaskConfigWrite> flask_config;
  std::vector<py::ValuePtr> flask_config_objects;  ///< `app.config.from_object(X)` arguments
  std::vector<FlaskExtensionSite> flask_extensions;
  std::vector<WebApp> web_apps;
  std::vector<ThreadSource>
      thread_sources; ///< threads that may run this file's code (threads.cpp)
  std::vector<EventHandler> event_handlers;
  /// Module-level functions that use the database (for handlers in other modules that call them).
  std::vector<std::pair<std::string, DatabaseUse>> database_functions;
  ModuleExports exports;
  EntryPointFacts entry;         ///< per-request / invocation / task functions (entry_points.cpp)
  DeploymentFacts deployment;    ///< what this module says about where it runs (deployment.cpp)
  size_t service = 0;            ///< index in ProjectFacts::services (with several services)
  std::vector<ScopeSpan> scopes;  ///< every function and class, for Finding::scope
  EditAnchors anchors;           ///< where fixes can edit the file (edit_anchors.h)
};

struct IniEntry {
  std::string section;
  std::string key;
  std::string value;
  core::Location where;  ///< the value
};

struct IniFile {
  std::string path;
  core::FileRole role = core::FileRole::kProduction;
  bool is_alembic = false;
  std::vector<IniEntry> entries;
};

/// A deployable unit of the repository: the nearest directory with its own manifest or deployment
/// files above a file (services.h). Where its code runs is its own in a repository of several.
struct Service {
  std::string path;                  ///< the directory as displayed ("" = the current directory)
  std::vector<std::string> markers;  ///< the files that make it a service ("serverless.yml", "requirements.txt")
  DeploymentFacts deployment;        ///< the evidence that deploys its code, processes resolved
  /// The configuration that applies to its directory: its context keys (the project's when that
  /// is the same file) and `sqlalchemy-version` (nullopt: its dependency files decide).
  ConfiguredContext configured = {};
  std::optional<Version> config_sqlalchemy = {};
  std::string config_sqlalchemy_origin = {};  ///< "config: services/orders/pyproject.toml"
  bool own_configuration = false;        ///< a configuration other than the project's applies to it
};

struct ProjectFacts {
  ProjectContext context;
  /// Every deployment fact of the project. With several services, rules read a file's own
  /// (deployment_of); poolers and the database server stay shared (one database, reached by all).
  DeploymentFacts deployment;
  /// The repository's services; fewer than two: the project is one service and `deployment` is its.
  std::vector<Service> services;
  std::vector<FileFacts> files;
  std::vector<IniFile> ini_files;
  /// Modules of the project that were not analysed (the pre-filter found nothing in them and no
  /// analysed module imports them): they still make a dotted name a project name, and an
  /// import-name suffix that matches one of them ambiguous, exactly as if they had been analysed.
  std::vector<std::string> other_modules;  ///< with their aliases
  /// The database the project's evidence names, for engines whose URL does not (dialect_evidence.h).
  DialectInference dialect;
};

/// The library versions that apply to `file`: its service's, else the project's.
inline const DependencyVersions& versions_of(const ProjectFacts& facts, const FileFacts& file) {
  return file.versions ? *file.versions : facts.context;
}

/// Where `file`'s code runs: its service's deployment facts, or the project's when it is one service.
inline const DeploymentFacts& deployment_of(const ProjectFacts& facts, const FileFacts& file) {
  return facts.services.size() > 1 && file.service < facts.services.size() ? facts.services[file.service].deployment
                                                                            : facts.deployment;
}

/// What the configuration says about where `file`'s code runs: its service's configuration with
/// several services, else the project's.
inline const ConfiguredContext& context_of(const ProjectFacts& facts, const FileFacts& file) {
  return facts.services.size() > 1 && file.service < facts.services.size() ? facts.services[file.service].configured
                                                                            : facts.context;
}

/// The project phase: resolves names across modules (settings objects, constants imported from
/// other modules, `**` of another module's dict) and derives every engine configuration.
void resolve_project(ProjectFacts& facts);

/// A module-level function of the project that creates an engine from its parameters
/// (`def make_engine(url, **kw): return create_engine(url, **kw)`): a factory at its call sites.
struct Wrapper {
  std::string qualified_name;  ///< "app.db.make_engine"
  std::string name;            ///< "make_engine"
  std::string path;            ///< the file defining it
  EngineSite site;             ///< the engine call inside it, arguments in terms of "@param.X"
};

/// The wrappers among the project's engine sites.
std::vector<Wrapper> find_wrappers(const ProjectFacts& facts);

/// Analyses one parsed Python file. `module_name` is its dotted import name. With `wrappers`,
/// calls of them (from other modules) become engine sites at the call.
FileFacts analyze_python(const core::SourceFile& source, ts::Node root, const std::string& module_name,
                         bool is_package, const ProjectContext& context,
                         const std::vector<Wrapper>* wrappers = nullptr);

/// Confirms sessions created through another module's factory (`from app.db import SessionLocal`).
void resolve_sessions(ProjectFacts& facts);

/// Reads an ini file (ConfigParser syntax).
IniFile read_ini(const core::SourceFile& source);

/// Sets a file's role (classified, or from the configuration) and the flags
/// that follow from it.
void set_role(FileFacts &facts, core::FileRole role, std::string why);

}  // namespace sqla
