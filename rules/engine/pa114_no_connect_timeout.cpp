// libpq-based drivers (psycopg2, psycopg 3) have no connect timeout: a database host that accepts
// TCP and never answers blocks the worker indefinitely (facts PA114, e14: still blocked after 75 s;
// 2.5 s with connect_timeout=2). asyncpg waits 60 s; PyMySQL's default 10 s covers only the TCP
// connect. Each driver names the bound differently, and libpq/PyMySQL also read it from the URL
// query. `pool_timeout` is the wait for a pooled connection, not a connect timeout.
#include "rules/engine/engine_options.h"
#include "rules/rule.h"

namespace rules {
namespace {

/// A placeholder where the query string may be (`{db}`, `{params}`, a whole `{rest}`): it may carry the timeout.
bool query_may_vary(const sqla::DatabaseUrl& url) {
  if (!url.partial) return false;
  auto placeholder_end = [](const std::string& s) { return !s.empty() && s.back() == '}'; };
  return url.query.find('{') != std::string::npos || placeholder_end(url.database) ||
         (url.database.empty() && (placeholder_end(url.host) || placeholder_end(url.port)));
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        const sqla::DatabaseUrl* url = literal_url(config);
        if (!url || url->is_sqlite() || url->is_local_host() || query_may_vary(*url)) continue;
        const sqla::DriverSpec* driver = sqla::driver_of(*url);
        // asyncpg bounds the connect at 60 s on its own (facts PA114: "info-only, or skip it").
        if (!driver || driver->timeout_key.empty() || !driver->timeout_default.empty()) continue;
        if (branch_tests_dialect(config, "postgres") || branch_tests_dialect(config, "mysql") ||
            branch_tests_dialect(config, "mariadb") || branch_tests_dialect(config, "sqlite")) {
          continue;
        }
        const std::string key(driver->timeout_key);
        if (url->query_param(key)) continue;
        const ConnectArg timeout = connect_arg(config, key);
        if (timeout.state != ConnectArg::State::kAbsent) continue;
        std::string message = "no connect timeout: " + std::string(driver->name) + " ";
        message += "waits without limit for a database host that accepts the connection and never answers";
        message += "; pass connect_args={\"" + key + "\": 10}";
        core::Finding& f = report_engine(out, site, config, std::move(message));
        if (timeout.connect_args) note_argument(f, *timeout.connect_args, "connect_args passed here");
        if (const py::Argument* pool_timeout = config.arg("pool_timeout")) {
          note_argument(f, *pool_timeout, "pool_timeout bounds the wait for a pooled connection, not the connect");
        }
        note_url(f, config);
      }
    }
  }
}

}  // namespace

extern const Rule kPA114{
    {"PA114", "no-connect-timeout", core::Severity::kInfo, false,
     "A network database without its driver's connect timeout in connect_args",
     "**Why.** psycopg2 and psycopg 3 (libpq) have no connect timeout: when "
     "the database host accepts TCP but "
     "never answers (a failover, a full backlog, a black-holed route) the "
     "worker blocks indefinitely. PyMySQL's "
     "10 s default covers only the TCP connect. asyncpg waits 60 s by default "
     "and is not reported.\n\n"
     "**Keys.** psycopg2 / psycopg: `connect_timeout` (in `connect_args` or "
     "the URL query); pg8000: `timeout`;"
     " PyMySQL, mysqlclient, aiomysql, asyncmy, MariaDB Connector: "
     "`connect_timeout`; MySQL "
     "Connector/Python: `connection_timeout`; pyodbc: `timeout`. "
     "`pool_timeout` is not a connect timeout.\n\n"
     "**Example.**\n```python\nengine = "
     "create_engine(\"postgresql://app@db.internal/app\")\n```\n\n"
     "**Not reported when** the timeout is in `connect_args` or the URL query, "
     "the database is SQLite or on "
     "localhost, the driver is asyncpg (60 s default), the driver or URL is "
     "not known, or `connect_args` cannot be "
     "resolved. Opt-in: "
     "`--select PA114`.",
     "Pass the driver's connect timeout in connect_args (e.g. "
     "connect_timeout=10 for psycopg2)",
     kProductionOnly,
     "A hung connect blocks a server's request threads; tests, examples, "
     "scripts and migrations are watched by a person or a CI timeout: "
     "production only.",
     "Not run by the oracle: a hanging connect needs a server that never "
     "answers. libpq (psycopg2, psycopg 3) has no connect timeout by "
     "default."},
    check};

}  // namespace rules
