// create_engine is lazy; a connection opened while the app is imported sits in the pool when
// gunicorn --preload, Celery prefork or multiprocessing forks, and every child inherits the same
// socket: interleaved protocol messages ("error with status PGRES_TUPLES_OK and no message from the
// libpq"), hung requests (facts e09, e24). dispose(close=False) in the child (≥ 1.4.33) or dispose()
// in the parent before the fork fixes it; uvicorn --workers spawns, so nothing is inherited.
#include "rules/common.h"
#include "rules/rule.h"
#include "sqla/deployment.h"

namespace rules {
namespace {

/// The engine a connecting statement uses, or nullptr when not one of the project's engines.
const sqla::EngineSite* engine_of(const sqla::ProjectFacts& facts, const sqla::ImportTimeConnect& c) {
  for (const sqla::FileFacts& file : facts.files) {
    if (c.engine >= 0) {
      const std::string& home = c.engine_path.empty() ? c.where.path.str() : c.engine_path;
      if (file.path == home && static_cast<size_t>(c.engine) < file.engines.size()) {
        return &file.engines[static_cast<size_t>(c.engine)];
      }
      continue;
    }
    if (file.module_name.empty()) continue;
    for (const sqla::EngineSite& site : file.engines) {
      if (site.assigned_to.empty() || !site.function.empty()) continue;
      const std::string name = file.module_name + "." + site.assigned_to;
      if (c.engine_symbol == name ||
          (c.engine_symbol.size() > name.size() && c.engine_symbol.ends_with("." + name))) {
        return &site;
      }
    }
  }
  return nullptr;
}

bool pooled(const sqla::EngineSite& site) {
  if (site.configs.empty()) return false;
  return std::all_of(site.configs.begin(), site.configs.end(), [](const sqla::EngineConfig& c) {
    return sqla::is_queue_pool(c.pool.kind) && !(c.url && c.url->is_sqlite());
  });
}

/// The assumption a pooled site rests on (an unresolved URL), "" when every pool is resolved.
std::string assumption_of(const sqla::EngineSite& site) {
  for (const sqla::EngineConfig& c : site.configs) {
    if (c.pool.assumed) return assumption_suffix(c.pool);
  }
  return {};
}

/// The connects of one deployment (the project's, or a service's) before its forking process.
void check_deployment(const sqla::ProjectFacts& facts, const sqla::DeploymentFacts& d, core::Sink& out) {
  if (!d.fork_hooks.empty()) return;  // a child-side dispose exists: trust it
  const sqla::ServerProcess* fork = nullptr;
  for (const sqla::ServerProcess& p : d.processes) {
    if (p.forks && p.preload) {
      fork = &p;
      break;
    }
  }
  if (!fork) return;
  for (const sqla::ImportTimeConnect& c : d.import_connects) {
    // Alembic's env.py, scripts and tests are not imported by the forking server (a script that
    // forks its own multiprocessing pool is).
    const auto home = std::find_if(facts.files.begin(), facts.files.end(),
                                   [&](const sqla::FileFacts& f) { return f.path == c.where.path; });
    if (home == facts.files.end() || home->is_test || home->is_alembic_env) continue;
    if (home->is_script && !(fork->server == "multiprocessing" && fork->where.path == c.where.path)) continue;
    const sqla::EngineSite* site = engine_of(facts, c);
    if (!site || !pooled(*site)) continue;
    // dispose() in the parent after the connect, still at import time, empties the pool before the fork.
    bool disposed_after = false;
    for (const sqla::FileFacts& file : facts.files) {
      if (file.path != c.where.path) continue;
      for (const sqla::DisposeCall& dc : file.disposals) {
        disposed_after = disposed_after || (dc.function.empty() && dc.where.range.begin.line > c.where.range.begin.line);
      }
    }
    if (disposed_after) continue;
    std::string how = fork->server == "gunicorn"   ? "gunicorn preloads the app and forks its workers"
                      : fork->server == "celery"   ? "the Celery prefork worker forks its pool processes"
                                                   : "multiprocessing forks its processes";
    std::string message = "`" + c.what + "` opens a pooled connection at import time" +
                          (c.through.empty() ? "" : " (through " + c.through + "())") + ", and " + how +
                          " afterwards: every child inherits the same database socket (\"error with status "
                          "PGRES_TUPLES_OK and no message from the libpq\", hung requests)" + assumption_of(*site);
    core::Finding& f = out.report(c.where, std::move(message));
    // Engine.dispose(close=False) exists since SQLAlchemy 1.4.33 (tickets #7877/#7815).
    const std::optional<sqla::Version>& version = sqla::versions_of(facts, *home).sqlalchemy;
    if (version && *version < sqla::Version{1, 4, 33}) {
      f.fix = "Call engine.dispose() in gunicorn's post_fork / Celery's worker_process_init (dispose(close=False) needs "
              "SQLAlchemy 1.4.33; the project targets " + version->str() +
              "), or engine.dispose() before the fork, or don't connect at import time";
    }
    f.notes.push_back(core::Note{fork->preload_where.valid() ? fork->preload_where : fork->where,
                                 fork->server + (fork->server == "gunicorn" ? " preloads the app here" : " forks here")});
    f.notes.push_back(core::Note{site->where, "the engine is created here"});
  }
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  // A service's server forks its own code: a Celery prefork worker in worker/ says nothing about
  // the Lambda beside it.
  if (facts.services.size() < 2) return check_deployment(facts, facts.deployment, out);
  for (const sqla::Service& service : facts.services) check_deployment(facts, service.deployment, out);
}

}  // namespace

extern const Rule kPA402{
    {"PA402", "connected-before-fork", core::Severity::kWarning, true,
     "A pooled engine connects at import time, before gunicorn --preload / "
     "Celery prefork / multiprocessing forks",
     "**Why.** `create_engine()` opens nothing; the first `connect()` does. "
     "When a module connects while it is "
     "imported (`engine.connect()`, `metadata.create_all(engine)`, a warm-up "
     "query, or a function called at import "
     "time that does so) and the process then forks (gunicorn `--preload` / "
     "`preload_app = True`, Celery's prefork "
     "pool, `multiprocessing` with the fork start method), the pooled "
     "connection is copied into every child. Two "
     "processes then talk over one socket: `DatabaseError: error with status "
     "PGRES_TUPLES_OK and no message from the "
     "libpq`, `server closed the connection unexpectedly`, or requests that "
     "hang.\n\n"
     "**Example.**\n```python\nengine = "
     "create_engine(url)\nBase.metadata.create_all(engine)   # gunicorn "
     "--preload\n```\n\n"
     "**Fix.** In the child, `engine.dispose(close=False)` (gunicorn "
     "`post_fork`, Celery `worker_process_init`, a "
     "`Pool(initializer=...)`; SQLAlchemy ≥ 1.4.33) — the approach "
     "SQLAlchemy's docs recommend; or `engine.dispose()` "
     "in the parent before forking; or do not connect at import time.\n\n"
     "**Not reported when** nothing connects at import time, the engine uses "
     "NullPool or SQLite, the project has a "
     "post_fork / worker_process_init dispose or a `dispose(close=False)`, the "
     "connect sits under `if __name__ == "
     "\"__main__\"`, or the workers are spawned (uvicorn `--workers`, "
     "hypercorn).",
     "Call engine.dispose(close=False) in gunicorn's post_fork / Celery's "
     "worker_process_init, or engine.dispose() "
     "before the fork, or don't connect at import time",
     kDeployedCode,
     "Forking servers, Celery prefork and multiprocessing run the application "
     "and its scripts: production, script and migration files.",
     "Proven by the oracle on SQLAlchemy 1.4.46, psycopg2 2.9.5 and "
     "PostgreSQL 15: a worker forked by `multiprocessing.Pool` after a "
     "module-level `engine.connect()` runs its query on the parent's "
     "backend; with `engine.dispose(close=False)` in the pool's initializer "
     "it opens its own."},
    check};

}  // namespace rules
