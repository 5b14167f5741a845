// An asyncpg/aiomysql pool left open at interpreter exit is torn down without closing its
// connections: "ResourceWarning: unclosed connection" and server-side aborted sessions (facts e15).
// Sync drivers disconnect cleanly at exit (e26), so only async engines are reported.
#include "core/text.h"
#include "rules/common.h"
#include "rules/rule.h"
#include "sqla/deployment.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  if (facts.deployment.asgi_apps.empty()) return;
  for (const sqla::FileFacts& file : facts.files) {
    // The app whose lifespan owns the engine runs in the engine's service.
    const std::vector<sqla::Evidence>& apps = sqla::deployment_of(facts, file).asgi_apps;
    if (apps.empty()) continue;
    for (const sqla::EngineSite& site : file.engines) {
      if (!sqla::long_lived(file, site) || site.assigned_to.empty()) continue;
      bool disposed = false;
      for (const sqla::FileFacts& other : facts.files) {
        for (const sqla::DisposeCall& d : other.disposals) {
          disposed = disposed || core::last_component(d.receiver) == core::last_component(site.assigned_to);
        }
      }
      if (disposed) continue;
      for (const sqla::EngineConfig& config : site.configs) {
        if (!config.is_async || !sqla::is_queue_pool(config.pool.kind) || config.pool.instance) continue;
        if (sqla::runs_serverless(facts, file, config) == std::optional<bool>(true)) continue;
        core::Finding& f = report_engine(out, site, config,
                                         "async engine `" + site.assigned_to + "` is never disposed: on shutdown its "
                                         "pooled connections are dropped unclosed (\"ResourceWarning: unclosed "
                                         "connection\"); await " + site.assigned_to + ".dispose() in the lifespan" +
                                             assumption_suffix(config.pool));
        f.notes.push_back(core::Note{apps.front().where, apps.front().what + " created here"});
        break;
      }
    }
  }
}

}  // namespace

extern const Rule kPA401{
    {"PA401", "async-engine-not-disposed-on-shutdown", core::Severity::kInfo,
     false,
     "A module-level async engine in an ASGI app that is never disposed on "
     "shutdown",
     "**Why.** An async engine's pool holds asyncpg/aiomysql connections. If "
     "the app exits without `await "
     "engine.dispose()`, they are garbage-collected unclosed: "
     "`ResourceWarning: unclosed connection` at exit and "
     "aborted sessions in the server log. Sync drivers close their sockets "
     "cleanly at exit, so only async engines "
     "are reported.\n\n"
     "**Example.**\n```python\nengine = create_async_engine(url)\napp = "
     "FastAPI()\n```\n\n"
     "**Fix.**\n```python\n@asynccontextmanager\nasync def lifespan(app):\n    "
     "yield\n    await engine.dispose()\n"
     "app = FastAPI(lifespan=lifespan)\n```\n\n"
     "**Not reported when** any `.dispose()` on a name like the engine's "
     "exists in the project, the engine uses "
     "NullPool, it is created in a function, there is no "
     "FastAPI/Starlette/Quart app, or the deployment is "
     "serverless. Off by default: select it with `--select PA401`.",
     "await engine.dispose() after the lifespan's yield (or in a shutdown "
     "handler)",
     kProductionOnly,
     "Shutdown matters in the deployed ASGI application only: production "
     "only.",
     "Not run by the oracle: the effect is a warning at interpreter exit, "
     "the mechanism PA302 proves for Alembic's async engine."},
    check};

}  // namespace rules
