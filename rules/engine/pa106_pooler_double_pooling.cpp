// A transaction-mode pooler (PgBouncer, Supavisor) hands a server connection to a client for one
// transaction only. An engine that keeps its own QueuePool in front of it holds client slots idle
// and, with drivers that prepare statements server-side (asyncpg, psycopg 3), piles up prepared
// statements on server connections other clients will get. Supabase: "When using transaction mode,
// you should use the NullPool setting"; SQLAlchemy's asyncpg docs: "it's important to use the
// NullPool pool class" behind PgBouncer. With psycopg2 (no server-side prepares) the QueuePool
// works and saves a handshake per checkout, so that case is info (facts PA106).
#include "rules/engine/engine_options.h"
#include "rules/rule.h"

namespace rules {
namespace {

bool prepares_server_side(const sqla::DriverSpec* driver) {
  return driver && (driver->kind == sqla::Driver::kAsyncpg || driver->kind == sqla::Driver::kPsycopg);
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        if (!sqla::is_queue_pool(config.pool.kind)) continue;  // NullPool is the advice; Unknown is silence
        const sqla::DatabaseUrl* url = literal_url(config);
        if (!url) continue;
        const bool null_elsewhere = fixed_in_other_branch(
            site, config, [](const sqla::EngineConfig& other) { return other.pool.kind == sqla::Pool::kNull; });
        if (null_elsewhere) continue;
        const auto pooler = sqla::transaction_pooler(*url, facts.deployment);
        if (!pooler) continue;
        const sqla::DriverSpec* driver = sqla::driver_of(*url);
        const bool prepares = prepares_server_side(driver);
        const py::Argument* ping = config.arg("pool_pre_ping");
        // A sync driver with an explicitly chosen QueuePool (or pre-ping) is a deliberate latency trade.
        if (!prepares && (config.pool.explicit_class || (ping && option_on(*ping->value).value_or(true)))) continue;
        std::string message = "the engine keeps its own " + std::string(sqla::pool_name(config.pool.kind)) +
                              " in front of " + pooler->what +
                              ": pooled connections hold pooler client slots "
                              "idle between transactions";
        if (prepares && !pooler->tracks_prepared) {
          message += ", and " + std::string(driver->name) +
                     "'s prepared statements stay behind on server connections other clients get";
        }
        message += "; use poolclass=NullPool";
        core::Finding& f = report_engine(out, site, config, std::move(message));
        if (!prepares) f.severity = core::Severity::kInfo;
        note_pool(f, config.pool);
        note_pooler(f, config, *pooler);
      }
    }
  }
}

}  // namespace

extern const Rule kPA106{
    {"PA106", "pooler-double-pooling", core::Severity::kWarning, true,
     "An engine keeps its own QueuePool in front of a transaction-mode pooler "
     "(PgBouncer, Supavisor, Neon)",
     "**Why.** A transaction-mode pooler lends a server connection to a client "
     "for one transaction. An engine "
     "that also pools keeps its connections open to the pooler between "
     "requests: client slots sit idle, and with "
     "drivers that prepare statements on the server (asyncpg, psycopg 3) the "
     "statements stay on server "
     "connections that other clients receive next. Supabase: \"When using "
     "transaction mode, you should use the "
     "NullPool setting\"; SQLAlchemy's asyncpg documentation asks for NullPool "
     "behind PgBouncer. With psycopg2 the "
     "QueuePool works and saves a handshake per checkout (reported as "
     "info).\n\n"
     "**Example.**\n```python\nengine = "
     "create_async_engine(\"postgresql+asyncpg://app@aws-0-eu-west-1.pooler."
     "supabase.com:6543/postgres\")\n```\n\n"
     "**Recognised poolers.** `*.pooler.supabase.com` (and the legacy "
     "`db.<ref>.supabase.co`) on port 6543, "
     "`pgbouncer=true` in the URL, Neon `-pooler` hosts, and poolers the "
     "project runs in transaction or statement "
     "mode (docker-compose, pgbouncer.ini).\n\n"
     "**Not reported when** the URL is Supabase's session pooler (port 5432) "
     "or a pooler of unknown mode "
     "(PgBouncer's default is session mode), the pool is NullPool or cannot be "
     "resolved, or a sync driver's "
     "QueuePool is chosen explicitly or pre-pinged (a deliberate latency "
     "trade).",
     "Use poolclass=NullPool and let the external pooler pool", kDeployedCode,
     "The application, its scripts and its migrations connect through the "
     "project's pooler; tests use a local database and examples are not "
     "deployed: production, script and migration files.",
     "Not run by the oracle: behind PgBouncer a QueuePool works with "
     "psycopg2 (it keeps idle pooler slots); the failures it leads to with "
     "asyncpg and psycopg 3 are proven under PA107 and PA117."},
    check};

}  // namespace rules
