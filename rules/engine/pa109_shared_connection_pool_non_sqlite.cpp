// StaticPool holds exactly one DBAPI connection (a memoized property, so concurrent first
// checkouts race and orphan connections) and hands it to every thread and task: another
// checkout's reset ROLLBACK discards uncommitted writes (e05). SingletonThreadPool keeps one
// connection per thread and closes the oldest once there are more than pool_size, in use or
// not (pool/impl.py docstring; e05: "connection already closed"). Both exist for SQLite.
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

bool known_non_sqlite(const sqla::EngineConfig& config) {
  if (!config.url) return false;
  const std::string& dialect = config.url->dialect;
  return !dialect.empty() && dialect.find('{') == std::string::npos && !config.url->is_sqlite();
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    if (file.is_test) continue;  // test fixtures share one connection on purpose
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        if (branch_tests_dialect(config, "sqlite")) continue;
        const sqla::PoolChoice& pool = config.pool;
        if (!pool.explicit_class && !pool.instance) continue;
        if (!known_non_sqlite(config)) continue;
        const std::string db = config.url->dialect;
        std::string message;
        if (pool.kind == sqla::Pool::kStatic) {
          message = "StaticPool shares one " + db + " connection and its transaction between every thread and task: "
                    "one request's rollback discards another's uncommitted writes, concurrent statements collide on "
                    "the connection, and the first concurrent checkouts race and orphan extra connections";
        } else if (pool.kind == sqla::Pool::kSingletonThread) {
          message = "SingletonThreadPool keeps one " + db + " connection per thread and closes connections other "
                    "threads are still using once there are more threads than pool_size (\"connection already "
                    "closed\" errors under load)";
        } else {
          continue;
        }
        core::Finding& f = report_engine(out, site, config, std::move(message));
        note_pool(f, pool);
        if (config.url_origin.valid()) f.notes.push_back(core::Note{config.url_origin, "URL " + config.url->masked()});
      }
    }
  }
}

}  // namespace

extern const Rule kPA109{
    {"PA109", "shared-connection-pool-non-sqlite", core::Severity::kWarning,
     true,
     "StaticPool or SingletonThreadPool on a database server: connections "
     "shared or closed under other threads",
     "**Why.** Both pools exist for SQLite. StaticPool keeps a single DBAPI "
     "connection and hands it to every "
     "thread and task at once: they share one transaction (another request's "
     "checkout-and-return issues the "
     "pool's ROLLBACK and silently discards an uncommitted INSERT), asyncpg "
     "raises \"another operation is in "
     "progress\", and on a cold start concurrent checkouts each open a "
     "connection and all but one are orphaned. "
     "SingletonThreadPool keeps one connection per thread and, once there are "
     "more threads than `pool_size`, "
     "closes connections that other threads are still using (`InterfaceError: "
     "connection already closed`).\n\n"
     "**Example.**\n```python\nengine = create_engine(\"postgresql://db/app\", "
     "poolclass=StaticPool)\n```\n\n"
     "**Not reported when** the URL is SQLite in any spelling (`sqlite://`, "
     "`sqlite+aiosqlite://`, "
     "`file:...?mode=memory`) or cannot be resolved, in test files and "
     "conftest.py, or when the pool is only "
     "implied by the URL.",
     "Use the default QueuePool (or NullPool behind an external pooler); keep "
     "StaticPool and SingletonThreadPool "
     "for SQLite",
     kNotTests,
     "Test fixtures share one connection on purpose (the join-a-transaction "
     "recipe); everywhere else the shared connection is the bug: every role "
     "but test.",
     "Proven by the oracle on SQLAlchemy 1.4.46, psycopg2 2.9.5 and "
     "PostgreSQL 15: with StaticPool another thread's checkin rolls back a "
     "transaction that then commits nothing (0 rows stored); with the "
     "default pool the row is stored."},
    check};

}  // namespace rules
