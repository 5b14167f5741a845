// A long-running server keeps pooled connections idle between requests; a server-side timeout
// (idle_session_timeout, a proxy or firewall) closes them and the next checkout fails with
// "server closed the connection unexpectedly" (facts e13). pool_pre_ping or pool_recycle prevents it.
// MySQL is PA110's; SQLite has no server to time out.
#include "rules/common.h"
#include "rules/rule.h"
#include "sqla/deployment.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    // The file's service runs only servers: no serverless evidence, a server process.
    const sqla::DeploymentFacts& d = sqla::deployment_of(facts, file);
    const bool servers_only = d.serverless.empty() && std::any_of(d.processes.begin(), d.processes.end(), [](const sqla::ServerProcess& p) {
      return p.server != "multiprocessing";
    });
    for (const sqla::EngineSite& site : file.engines) {
      if (!sqla::long_lived(file, site)) continue;
      for (const sqla::EngineConfig& config : site.configs) {
        if (!sqla::is_queue_pool(config.pool.kind) || config.pool.instance || !config.url) continue;
        if (config.url->is_sqlite() || config.url->is_mysql() || config.url->dialect.empty()) continue;
        const auto serverless = sqla::runs_serverless(facts, file, config);
        if (serverless == std::optional<bool>(true) || (!serverless && !servers_only)) continue;
        if (config.has("pool_pre_ping") != std::optional<bool>(false) ||
            config.has("pool_recycle") != std::optional<bool>(false)) {
          continue;
        }
        core::Finding& f = report_engine(out, site, config,
                                         "long-lived pooled engine on a server deployment with neither pool_pre_ping nor "
                                         "pool_recycle: a connection closed while idle (server timeout, proxy, failover) "
                                         "fails the next request with \"server closed the connection unexpectedly\"");
        note_pool(f, config.pool);
      }
    }
  }
}

}  // namespace

extern const Rule kPA115{
    {"PA115", "no-stale-connection-guard", core::Severity::kInfo, false,
     "A long-lived pooled engine on a server deployment with neither "
     "pool_pre_ping nor pool_recycle",
     "**Why.** A server process keeps pooled connections between requests. "
     "When the database, a proxy or a "
     "firewall closes an idle one (PostgreSQL `idle_session_timeout`, a "
     "failover, a NAT timeout), the next checkout "
     "hands out a dead connection: `OperationalError: server closed the "
     "connection unexpectedly`. "
     "`pool_pre_ping=True` tests each connection on checkout and replaces dead "
     "ones; SQLAlchemy's docs call it \"the "
     "most simple and reliable approach\". `pool_recycle=N` replaces "
     "connections older than N seconds.\n\n"
     "**Example.**\n```python\nengine = create_engine(\"postgresql://db/app\") "
     "  # gunicorn -w 4\n```\n\n"
     "**Not reported when** the engine uses NullPool, SQLite or MySQL (PA110 "
     "covers MySQL), sets either option, its "
     "options are not fully resolved, it is created inside a function, or the "
     "project's deployment is serverless "
     "or unknown. Off by default: select it with `--select PA115`.",
     "Add pool_pre_ping=True (or pool_recycle below the server's idle timeout)",
     kProductionOnly,
     "Connections go stale in long-running server processes only: production "
     "only.",
     "Not run by the oracle: the failure, a server closing an idle pooled "
     "connection, is the one PA110 proves on MariaDB; PostgreSQL's "
     "`idle_session_timeout` closes connections the same way."},
    check};

}  // namespace rules
