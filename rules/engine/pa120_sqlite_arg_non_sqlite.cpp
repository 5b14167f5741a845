// create_engine() passes connect_args unchanged to the DBAPI's connect() (engine/create.py:
// `cparams.update(pop_kwarg("connect_args", {}))`). `check_same_thread` is a sqlite3.connect()
// option only: every other driver rejects it, and since create_engine() opens no connection the
// failure comes on the first checkout, not at start-up.
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

bool known_non_sqlite(const sqla::EngineConfig& config) {
  if (!config.url) return false;
  const std::string& dialect = config.url->dialect;
  return !dialect.empty() && dialect.find('{') == std::string::npos && !config.url->is_sqlite() &&
         config.url->driver.find('{') == std::string::npos;
}

/// What the driver says, where it is known; psycopg2 (libpq) parses keywords into a DSN.
std::string driver_error(const sqla::DatabaseUrl& url) {
  const std::string& driver = url.driver;
  if (url.is_postgres() && (driver.empty() || driver == "psycopg2")) {
    return "psycopg2.ProgrammingError: invalid dsn: invalid connection option \"check_same_thread\"";
  }
  if (url.is_postgres() && driver == "asyncpg") {
    return "TypeError: connect() got an unexpected keyword argument 'check_same_thread'";
  }
  if (url.is_mysql() && (driver.empty() || driver == "mysqldb")) {
    return "TypeError: 'check_same_thread' is an invalid keyword argument for connect()";
  }
  if (url.is_mysql() && driver == "pymysql") {
    return "TypeError: Connection.__init__() got an unexpected keyword argument 'check_same_thread'";
  }
  return "";
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        if (branch_tests_dialect(config, "sqlite")) continue;
        const py::Argument* args = config.arg("connect_args");
        if (!args || args->value->kind != py::ValueKind::kDict || !args->value->dict) continue;
        const py::DictEntry* entry = args->value->dict->find("check_same_thread");
        if (!entry || !known_non_sqlite(config)) continue;
        const sqla::DatabaseUrl& url = *config.url;
        const std::string driver = url.driver.empty() ? url.dialect : url.dialect + "+" + url.driver;
        const std::string error = driver_error(url);
        std::string message = "the first connection fails: check_same_thread is a sqlite3-only option and the " +
                              driver + " driver rejects it";
        if (!error.empty()) message += " (" + error + ")";
        core::Finding& f = report_engine(out, site, config, std::move(message));
        f.notes.push_back(core::Note{entry->where, "check_same_thread set here"});
        note_argument(f, *args, "connect_args passed here");
        if (config.url_origin.valid()) f.notes.push_back(core::Note{config.url_origin, "URL " + url.masked()});
      }
    }
  }
}

}  // namespace

extern const Rule kPA120{
    {"PA120", "sqlite-arg-non-sqlite", core::Severity::kError, true,
     "connect_args={\"check_same_thread\": ...} on a non-SQLite database: the "
     "first connection fails",
     "**Why.** `connect_args` goes unchanged to the driver's `connect()`. "
     "`check_same_thread` belongs to Python's "
     "sqlite3 module only; psycopg2 answers `invalid dsn: invalid connection "
     "option \"check_same_thread\"`, "
     "asyncpg and PyMySQL raise `TypeError: ... unexpected keyword argument "
     "'check_same_thread'`. "
     "`create_engine()` opens no connection, so the error appears on the first "
     "query, typically after the "
     "URL was switched from SQLite to a server database and the SQLite-only "
     "option was left behind.\n\n"
     "**Example.**\n```python\nengine = create_engine(\"postgresql://db/app\", "
     "connect_args={\"check_same_thread\": "
     "False})\n```\n\n"
     "**Not reported when** the URL is SQLite or cannot be resolved (a URL "
     "from settings may be SQLite in "
     "development), or when the option sits in another branch than the server "
     "URL.",
     "Pass check_same_thread only for SQLite URLs (e.g. build connect_args "
     "from the URL's dialect)",
     kEverywhere, "The first connection fails wherever it runs: every role.",
     "Proven by the oracle on SQLAlchemy 1.4.46, psycopg2 2.9.5 and "
     "PostgreSQL 15: the first connection fails with `invalid dsn: invalid "
     "connection option \"check_same_thread\"`; the same option on a SQLite "
     "URL connects."},
    check};

}  // namespace rules
