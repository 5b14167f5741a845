// create_engine() passes connect_args unchanged to the DBAPI's connect() (engine/create.py:
// `cparams.update(pop_kwarg("connect_args", {}))`). `check_same_thread` is a sqlite3.connect()
// option only: every other driver rejects it, and since create_engine() opens no connection the
// failure comes on the first checkout, not at start-up.
#include "rules/common.h"
#include "rules/fixes.h"
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

/// Deletes the `check_same_thread` entry, or the whole `connect_args=` keyword when the entry is all
/// it holds. Safe at the call when every branch passing the entry has a non-SQLite URL written in
/// this file; a URL from settings or the environment may be SQLite elsewhere (tests, development).
std::optional<core::Fix> drop_entry(const sqla::ProjectFacts& project, const sqla::FileFacts& file,
                                    const sqla::EngineSite& site,
                                    const py::Argument& args,
                                    const py::DictEntry& entry) {
  auto passes = [&](const sqla::EngineConfig& config) {
    const py::Argument* a = config.arg("connect_args");
    if (!a || a->value->kind != py::ValueKind::kDict || !a->value->dict) return false;
    const py::DictEntry* e = a->value->dict->find("check_same_thread");
    return e && e->removal == entry.removal;
  };
  auto rejects = [&](const sqla::EngineConfig& config) {
    return !branch_tests_dialect(config, "sqlite") && known_non_sqlite(config) &&
           config.url_origin.path == site.where.path;
  };
  const py::DictValue& dict = *args.value->dict;
  const bool alone = dict.entries.size() == 1 && dict.complete && dict.pending.empty() && args.via.empty();
  const core::TextSpan& span = alone ? args.removal : entry.removal;
  const std::string& path = alone ? args.where.path : entry.where.path;
  const auto applicability = span_deletion(project, file, site, span, path, passes, rejects, args.via);
  if (!applicability) return std::nullopt;
  return deletion_fix({Deletion{alone ? "connect_args" : "check_same_thread", span, *applicability}});
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
        f.autofix = drop_entry(facts, file, site, *args, *entry);
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
     "URL connects.",
     core::FixAvailability::kSometimes,
     "safe when `check_same_thread` is written at the engine call (or in a dict only that call reads: `OPTS = {...}` whose one read is the call's `**OPTS`, in a module no other file imports) and every branch passing it has "
     "a non-SQLite URL written in the same file: the driver only rejects it. Deletes the whole "
     "`connect_args=` when the entry is all it holds. Unsafe when the URL comes from settings or "
     "the environment (it may be SQLite in tests or development), when the dict is read by other "
     "code of the file or imported by other files, or the call goes through a project wrapper. None when the dict is "
     "written in another file."},
    check};

}  // namespace rules
