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
#include "sqla/threads.h"

namespace rules {
namespace {

/// `file::memory:?cache=shared` (or a named `mode=memory&cache=shared`): connections share one database.
bool shared_cache(const sqla::DatabaseUrl& url) {
  return url.query.find("cache=shared") != std::string::npos || url.database.find("cache=shared") != std::string::npos;
}

void check_config(const sqla::ProjectFacts &facts, const sqla::FileFacts &file,
                  const sqla::EngineSite &site,
                  const sqla::EngineConfig &config, core::Sink &out) {
  if (site.flask_sqlalchemy)
    return;
  const sqla::DatabaseUrl *url = literal_url(config);
  if (!url || !url->is_sqlite_memory() || shared_cache(*url))
    return;
  if (branch_tests_dialect(config, "sqlite") ||
      branch_tests_dialect(config, "memory"))
    return;
  const sqla::DriverSpec *driver = sqla::driver_of(*url);
  if (!driver)
    return;
  const sqla::Pool pool = config.pool.kind;
  std::optional<sqla::ThreadSource> thread;
  std::string message;
  if (pool == sqla::Pool::kNull) {
    // A test engine handed to configuration objects never holds data; one whose
    // tables are created, or that serves a test client, does.
    if (file.is_test && !file.creates_tables &&
        !sqla::thread_reaching(facts, file, site))
      return;
    message =
        "every checkout opens a new, empty :memory: database with NullPool: "
        "tables created on one "
        "connection are gone on the next (\"no such table\"); use StaticPool";
    if (driver->kind == sqla::Driver::kPysqlite)
      message += " with connect_args={\"check_same_thread\": False}";
  } else {
    if (driver->kind != sqla::Driver::kPysqlite)
      return;
    thread = sqla::thread_reaching(facts, file, site);
    if (!thread)
      return; // no thread reaches this engine: one thread, one connection, one
              // database
    if (pool == sqla::Pool::kSingletonThread || sqla::is_queue_pool(pool)) {
      message = "each thread gets its own empty :memory: database with " +
                std::string(sqla::pool_name(pool)) + ", and " + thread->what +
                " uses this engine from other threads: tables created on one "
                "thread are "
                "missing there (sqlite3.OperationalError: no such table); use "
                "poolclass=StaticPool with "
                "connect_args={\"check_same_thread\": False}";
    } else if (pool == sqla::Pool::kStatic) {
      const ConnectArg same_thread = connect_arg(config, "check_same_thread");
      if (same_thread.state == ConnectArg::State::kUnknown)
        return;
      if (same_thread.entry &&
          same_thread.entry->value->truthy() != std::optional<bool>(true))
        return;
      message =
          "the shared :memory: connection is used from other threads by " +
          thread->what +
          ", and sqlite3 refuses that (sqlite3.ProgrammingError: SQLite "
          "objects created in a thread can "
          "only be used in that same thread); pass "
          "connect_args={\"check_same_thread\": False}";
    } else {
      return;
    }
  }
  core::Finding &f = report_engine(out, site, config, std::move(message));
  note_pool(f, config.pool);
  note_url(f, config);
  if (thread)
    f.notes.push_back(core::Note{
        thread->where, "runs the code on other threads: " + thread->what});
}

void check(const sqla::ProjectFacts &facts, core::Sink &out) {
  for (const sqla::FileFacts &file : facts.files) {
    for (const sqla::EngineSite &site : file.engines) {
      for (const sqla::EngineConfig &config : site.configs)
        check_config(facts, file, site, config, out);
    }
  }
}

}  // namespace

extern const Rule kPA118{
    {"PA118", "sqlite-memory-threads", core::Severity::kWarning, true,
     "SQLite :memory: in a threaded app or test client without StaticPool + "
     "check_same_thread=False",
     "**Why.** Each SQLite `:memory:` connection is a separate, empty "
     "database. pysqlite's default pool for it, "
     "SingletonThreadPool, gives every thread its own connection, so tables "
     "created at start-up or by a test's "
     "`create_all()` are missing on the threads that serve requests (FastAPI's "
     "threadpool, Flask's threaded "
     "server, TestClient): `sqlite3.OperationalError: no such table`. "
     "StaticPool alone shares one connection, "
     "which sqlite3 refuses across threads (`ProgrammingError: SQLite objects "
     "created in a thread can only be used "
     "in that same thread`). NullPool gives every checkout a new empty "
     "database, with any driver.\n\n"
     "**Example.**\n```python\nengine = create_engine(\"sqlite://\")\nclient = "
     "TestClient(app)\n```\n\n"
     "**Fix.**\n```python\nengine = create_engine(\"sqlite://\", "
     "poolclass=StaticPool,\n"
     "                       connect_args={\"check_same_thread\": "
     "False})\n```\n\n"
     "**Reported only when a thread reaches this engine**, and the message "
     "names it: a `TestClient` in the "
     "same test module, or in the fixture chain (a conftest.py engine and a "
     "test module below it that builds a "
     "TestClient; a test module's module-level engine and a conftest.py above "
     "it that does), `threading.Thread`, "
     "a `ThreadPoolExecutor`, `run_in_executor`, `asyncio.to_thread`, FastAPI "
     "`def` endpoints and dependencies "
     "(FastAPI runs them in its threadpool; `async def` ones run on the event "
     "loop), or Flask's threaded server. "
     "An application's engine is reached by those anywhere in its production "
     "code and by a TestClient in its "
     "tests. A plain pytest function that creates a `sqlite://` engine and "
     "uses it on its own thread is not "
     "reported.\n\n"
     "**Not reported when** the database is a file (file databases are shared "
     "between connections), the URL uses "
     "a shared cache (`file::memory:?cache=shared`), the driver is aiosqlite "
     "(StaticPool by default), or the engine "
     "is Flask-SQLAlchemy's (it applies the fix itself). NullPool is reported "
     "regardless of threads, except in a test file that never calls "
     "`create_all()` and that no "
     "thread reaches (its engine holds no data that could go missing).",
     "Use poolclass=StaticPool with connect_args={\"check_same_thread\": "
     "False}",
     kEverywhere,
     "The error it predicts (`no such table` on a request thread) is typical "
     "of tests with a TestClient: every role; a plain single-threaded test is "
     "not reported because no thread reaches its engine.",
     "Proven by the oracle on SQLAlchemy 1.4.46 with Python 3.11's sqlite3: "
     "a worker thread fails with `(sqlite3.OperationalError) no such table: "
     "items`; with StaticPool and `check_same_thread=False` it sees the row."},
    check};

}  // namespace rules
