// MySQL and MariaDB close connections idle longer than `wait_timeout` (8 hours by default). A
// pooled engine hands such a connection out again and the first query fails: "(2006, "MySQL server
// has gone away ...")" (facts PA110, e12). pool_recycle below wait_timeout or pool_pre_ping each
// prevent it (pool_recycle=-1 is SQLAlchemy's "off"). Flask-SQLAlchemy 2.x and 3.x set
// pool_recycle=7200 for every mysql* URL (extension.py `_apply_driver_defaults`), so its engines
// are never reported; engine_from_config coerces an ini's pool_recycle to int, so it counts.
// An engine built per handler call is unreachable after it: no later checkout meets a stale connection.
#include "rules/engine/engine_options.h"
#include "rules/rule.h"

namespace rules {
namespace {

/// True when the option guards against stale connections, false when it does not, nullopt when unknown.
std::optional<bool> recycles(const py::Argument* recycle) {
  if (!recycle) return false;
  const py::Value& v = *recycle->value;
  if (v.overridable) return std::nullopt;  // a settings default the deployment may change
  if (v.kind == py::ValueKind::kInt) return v.integer >= 0;
  if (v.kind == py::ValueKind::kFloat) return v.real >= 0;
  if (v.kind == py::ValueKind::kNone) return false;
  return std::nullopt;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      if (site.flask_sqlalchemy) continue;  // pool_recycle=7200 injected for MySQL
      if (per_invocation_engine(file, site)) continue;  // dies with the call: PA111's finding
      for (const sqla::EngineConfig& config : site.configs) {
        const sqla::DatabaseUrl* url = literal_url(config);
        // An unresolved URL counts when every piece of the project's evidence names MySQL
        // (dialect_evidence.h); the message says it is an inference. Only for an engine that
        // outlives a call (module level or stored on an object): a local engine of a set-up function
        // is unreachable afterwards, so no later checkout meets a stale connection.
        const bool inferred = !url && config.inferred_family == "mysql" &&
                              (site.function.empty() || site.assigned_to.find('.') != std::string::npos);
        if (!(url && url->is_mysql()) && !inferred) continue;
        if (!config.complete || !sqla::is_queue_pool(sqla::inferred_pool(config))) continue;
        if (branch_tests_dialect(config, "mysql") || branch_tests_dialect(config, "mariadb")) continue;
        const py::Argument* recycle = config.arg("pool_recycle");
        const py::Argument* ping = config.arg("pool_pre_ping");
        const std::optional<bool> recycled = recycles(recycle);
        std::optional<bool> pinged = ping ? option_on(*ping->value) : std::optional<bool>(false);
        if (ping && ping->value->overridable) pinged.reset();
        if (recycled.value_or(true) || pinged.value_or(true)) continue;
        std::string message = "pooled " + std::string(url && url->dialect == "mariadb" ? "MariaDB" : "MySQL") +
                              " connections go stale after the server's wait_timeout (8 h by default) and the next "
                              "query fails with (2006, \"MySQL server has gone away\"): set pool_recycle below "
                              "wait_timeout or pool_pre_ping=True";
        if (inferred) message += " (" + sqla::inference_note(config) + ")";
        core::Finding& f = report_engine(out, site, config, std::move(message));
        if (recycle) note_argument(f, *recycle, show(*recycle) + " disables recycling");
        if (ping) note_argument(f, *ping, show(*ping) + " passed here");
        note_pool(f, config.pool);
        note_url(f, config);
      }
    }
  }
}

}  // namespace

extern const Rule kPA110{
    {"PA110", "mysql-stale-connections", core::Severity::kWarning, true,
     "A pooled MySQL/MariaDB engine with neither pool_recycle nor "
     "pool_pre_ping",
     "**Why.** MySQL and MariaDB close a connection that stayed idle longer "
     "than `wait_timeout` (28800 s by "
     "default, often much less on managed servers). The pool does not know: "
     "the next checkout gets the dead "
     "connection and the query fails with `(pymysql.err.OperationalError) "
     "(2006, \"MySQL server has gone away "
     "...\")` (or 2013 \"Lost connection to MySQL server during query\"). "
     "SQLAlchemy's MySQL documentation asks "
     "for `pool_recycle`; `pool_pre_ping=True` also prevents it.\n\n"
     "**Example.**\n```python\nengine = "
     "create_engine(\"mysql+pymysql://app@db/app\")\n```\n\n"
     "**Fix.** `create_engine(url, pool_recycle=3600, pool_pre_ping=True)`.\n\n"
     "**Not reported when** either option is set (`pool_recycle=-1` is off), "
     "for NullPool, for Flask-SQLAlchemy "
     "engines (it sets `pool_recycle=7200` for MySQL URLs), for an engine "
     "built in a local on every handler or "
     "view call (it is unreachable afterwards, so no later checkout meets a "
     "stale connection; PA111 reports it), or when the options cannot all be "
     "seen (`**kwargs`, "
     "an ini file read at run time). When the URL is not resolved, the engine "
     "counts as MySQL only when every piece of the project's evidence (driver "
     "dependencies, docker-compose images, env files, alembic.ini, URL "
     "templates) names MySQL/MariaDB and the engine is not in a test or example; "
     "the message says so.",
     "Set pool_recycle below the server's wait_timeout, or pool_pre_ping=True",
     kProductionOnly,
     "Connections go stale in long-running processes; tests, scripts and "
     "migrations end long before wait_timeout, and examples are not deployed: "
     "production only.",
     "Proven by the oracle on SQLAlchemy 1.4.46, PyMySQL 1.0.2 and MariaDB "
     "10.11 (`wait_timeout=2`): the job after an idle gap fails with `(2006,"
     " \"MySQL server has gone away ...\")`; with `pool_pre_ping=True` it "
     "runs."},
    check};

}  // namespace rules
