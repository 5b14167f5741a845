// Every SQLite `:memory:` connection is its own, empty database. pysqlite's default pool for it is
// SingletonThreadPool: one connection per thread, so a table created on the main thread (a test's
// create_all, an app's start-up) is missing on a request thread: "(sqlite3.OperationalError) no
// such table" (facts, missing rule 4: e22 on 1.4.46 and 2.0.52). StaticPool alone shares the one
// connection but sqlite3 refuses cross-thread use ("SQLite objects created in a thread can only
// be used in that same thread"); StaticPool + check_same_thread=False works. NullPool opens a new
// empty database on every checkout, threads or not, for every driver. aiosqlite defaults to
// StaticPool for :memory: and runs its connection on its own thread: fine. Flask-SQLAlchemy forces
// StaticPool + check_same_thread=False for memory URIs (`_apply_driver_defaults`).
#include "rules/engine/engine_options.h"
#include "rules/rule.h"

namespace rules {
namespace {

/// A web app or test client the project builds: requests run on other threads.
const sqla::WebApp* threaded_app(const sqla::ProjectFacts& facts) {
  for (const sqla::FileFacts& file : facts.files) {
    if (!file.web_apps.empty()) return &file.web_apps.front();
  }
  return nullptr;
}

/// `file::memory:?cache=shared` (or a named `mode=memory&cache=shared`): connections share one database.
bool shared_cache(const sqla::DatabaseUrl& url) {
  return url.query.find("cache=shared") != std::string::npos || url.database.find("cache=shared") != std::string::npos;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  const sqla::WebApp* app = threaded_app(facts);
  for_each_config(facts, [&](const sqla::EngineSite& site, const sqla::EngineConfig& config) {
    if (site.flask_sqlalchemy) return;
    const sqla::DatabaseUrl* url = literal_url(config);
    if (!url || !url->is_sqlite_memory() || shared_cache(*url)) return;
    if (branch_tests_dialect(config, "sqlite") || branch_tests_dialect(config, "memory")) return;
    const sqla::DriverSpec* driver = sqla::driver_of(*url);
    if (!driver) return;
    const sqla::Pool pool = config.pool.kind;
    std::string message;
    if (pool == sqla::Pool::kNull) {
      message = "every checkout opens a new, empty :memory: database with NullPool: tables created on one "
                "connection are gone on the next (\"no such table\"); use StaticPool";
      if (driver->kind == sqla::Driver::kPysqlite) message += " with connect_args={\"check_same_thread\": False}";
    } else {
      if (!app || driver->kind != sqla::Driver::kPysqlite) return;
      if (pool == sqla::Pool::kSingletonThread || sqla::is_queue_pool(pool)) {
        message = "each thread gets its own empty :memory: database with " + std::string(sqla::pool_name(pool)) +
                  ": tables created on one thread are missing on request threads (sqlite3.OperationalError: no "
                  "such table); use poolclass=StaticPool with connect_args={\"check_same_thread\": False}";
      } else if (pool == sqla::Pool::kStatic) {
        const ConnectArg same_thread = connect_arg(config, "check_same_thread");
        if (same_thread.state == ConnectArg::State::kUnknown) return;
        if (same_thread.entry && same_thread.entry->value->truthy() != std::optional<bool>(true)) return;
        message = "the shared :memory: connection is used from request threads, and sqlite3 refuses that "
                  "(sqlite3.ProgrammingError: SQLite objects created in a thread can only be used in that same "
                  "thread); pass connect_args={\"check_same_thread\": False}";
      } else {
        return;
      }
    }
    core::Finding& f = report_engine(out, site, config, std::move(message));
    note_pool(f, config.pool);
    note_url(f, config);
    if (pool != sqla::Pool::kNull && app) {
      f.notes.push_back(core::Note{app->where, std::string(app->test_client ? "a test client" : "an application") +
                                                   " serves requests on other threads (" + app->framework + ")"});
    }
  });
}

}  // namespace

extern const Rule kPA118{
    {"PA118", "sqlite-memory-threads", core::Severity::kWarning, true,
     "SQLite :memory: in a threaded app or test client without StaticPool + check_same_thread=False",
     "**Why.** Each SQLite `:memory:` connection is a separate, empty database. pysqlite's default pool for it, "
     "SingletonThreadPool, gives every thread its own connection, so tables created at start-up or by a test's "
     "`create_all()` are missing on the threads that serve requests (FastAPI's threadpool, Flask's threaded "
     "server, TestClient): `sqlite3.OperationalError: no such table`. StaticPool alone shares one connection, "
     "which sqlite3 refuses across threads (`ProgrammingError: SQLite objects created in a thread can only be used "
     "in that same thread`). NullPool gives every checkout a new empty database, with any driver.\n\n"
     "**Example.**\n```python\nengine = create_engine(\"sqlite://\")\nclient = TestClient(app)\n```\n\n"
     "**Fix.**\n```python\nengine = create_engine(\"sqlite://\", poolclass=StaticPool,\n"
     "                       connect_args={\"check_same_thread\": False})\n```\n\n"
     "**Not reported when** the database is a file (file databases are shared between connections), the URL uses "
     "a shared cache (`file::memory:?cache=shared`), the driver is aiosqlite (StaticPool by default), the engine "
     "is Flask-SQLAlchemy's (it applies the fix itself), or the project builds no web app or test client "
     "(NullPool is reported regardless).",
     "Use poolclass=StaticPool with connect_args={\"check_same_thread\": False}"},
    check};

}  // namespace rules
