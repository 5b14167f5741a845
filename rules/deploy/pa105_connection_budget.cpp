// Each process owns its pool: processes × (pool_size + max_overflow) is the number of connections
// the deployment may open (defaults 5 + 10, pool/impl.py). Beyond the server's max_connections
// (PostgreSQL 100, MariaDB 151) new connections fail with "too many clients" / "Too many connections".
// The figure is a ceiling: pools open connections lazily and a sync worker needs about one (facts PA105).
#include "rules/common.h"
#include "rules/rule.h"
#include "sqla/deployment.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::Budget& budget : sqla::connection_budgets(facts)) {
    if (!budget.exceeds() || budget.engines.empty()) continue;
    bool concurrent = sqla::concurrent_workers(budget.deployment ? *budget.deployment : facts.deployment);
    for (const sqla::BudgetShare& share : budget.shares) {
      concurrent = concurrent || (share.deployment && sqla::concurrent_workers(*share.deployment));
    }
    bool async_engine = false;
    for (const sqla::BudgetTerm& t : budget.engines) {
      for (const sqla::EngineConfig& c : t.site->configs) async_engine = async_engine || c.is_async;
    }
    const bool warning = concurrent || async_engine;
    std::string message = "connection pools can open more connections than the database allows";
    if (!budget.server.empty()) message += " on " + budget.server;
    // Services of one repository that reach the same server spend one max_connections.
    if (!budget.shares.empty()) message += ", which services " + budget.service + " share";
    message += ": " + budget.describe();
    if (!warning) message += "; a worst-case ceiling, as sync workers use about one connection each";
    core::Finding& f = out.report(budget.engines.front().site->where, std::move(message));
    if (!warning) f.severity = core::Severity::kInfo;
    const core::Location process_where =
        budget.processes_where.valid() ? budget.processes_where : budget.engines.front().site->where;
    if (budget.shares.empty()) {
      f.notes.push_back(core::Note{process_where, "processes: " + budget.processes_origin});
    }
    for (const sqla::BudgetShare& share : budget.shares) {
      f.notes.push_back(core::Note{share.processes_where.valid() ? share.processes_where : process_where,
                                   "processes of service " + (share.service.empty() ? std::string(".") : share.service) +
                                       ": " + share.processes_origin});
    }
    for (const sqla::BudgetTerm& t : budget.engines) {
      f.notes.push_back(core::Note{t.site->where, t.per_process ? t.arithmetic + " = " + std::to_string(*t.per_process) + " per process"
                                                                : t.arithmetic + ": no limit"});
    }
  }
}

}  // namespace

extern const Rule kPA105{
    {"PA105", "connection-budget", core::Severity::kWarning, true,
     "Processes × (pool_size + max_overflow) over the project's engines "
     "exceeds the database's connection budget",
     "**Why.** Every process has its own pool, and a QueuePool opens up to "
     "`pool_size + max_overflow` connections "
     "(SQLAlchemy's defaults: 5 + 10). gunicorn `-w 8` with two default "
     "engines can open 8 × (15 + 15) = 240 "
     "connections; PostgreSQL allows 100 by default (`max_connections`, 3 of "
     "them reserved for superusers) and refuses "
     "the rest with `FATAL: sorry, too many clients already`; inside the pool "
     "the 16th checkout waits and fails with "
     "`QueuePool limit of size 5 overflow 10 reached, connection timed out, "
     "timeout 30.00`.\n\n"
     "Processes come from gunicorn command lines and config files (`-w`, "
     "`workers`, `WEB_CONCURRENCY`), uvicorn and "
     "hypercorn `--workers`, Celery `--concurrency`, or config `workers`; the "
     "budget from config `max-connections`, "
     "else PostgreSQL's default 100 (MySQL/MariaDB 151). `pool_size=0` and "
     "`max_overflow=-1` mean no limit. The "
     "message shows the arithmetic and where every number came from.\n\n"
     "**Severity.** Warning when workers run threads or asyncio (uvicorn "
     "workers, `--threads`, gevent, async "
     "engines); info for plain sync workers, which in practice use about one "
     "connection per engine.\n\n"
     "With several services in one repository, the services whose engines reach the same "
     "server (the same host and port; not a loopback host, nor a compose service name that "
     "several compose files define) share its budget: their processes × pools are added up and "
     "the message names them.\n\n"
     "**Fix.** Size pools to the budget (`pool_size` × processes ≤ "
     "max_connections minus what other clients need), "
     "put PgBouncer in front, or use NullPool behind a pooler.\n\n"
     "**Not reported when** no process count is known, an engine's options are "
     "not fully resolved, or the engine "
     "uses NullPool (one connection per concurrent operation) or SQLite.",
     "Lower pool_size/max_overflow so processes × (pool_size + max_overflow) "
     "fits the database's max_connections, "
     "or put a pooler (PgBouncer) in front",
     kProductionOnly,
     "The budget is spent by the deployed application's processes; engines of "
     "tests, examples, scripts and migrations do not hold connections "
     "alongside them: production only.",
     "Not run by the oracle: arithmetic over the deployment. Verified from "
     "source: QueuePool's defaults are pool_size=5 and max_overflow=10 "
     "(lib/sqlalchemy/pool/impl.py:72-78@rel_2_0_52)."},
    check};

}  // namespace rules
