// Every Alembic template builds its engine with poolclass=pool.NullPool (commit 279f8359, 2012: "so
// that no connection resources remain afterwards"). With a pool, the migration connection goes back
// to the pool and stays open until the engine is garbage-collected: harmless for the CLI process,
// which exits, but a leaked server connection when the app runs command.upgrade() in-process (e15).
#include <string>

#include "rules/alembic/env_pool.h"
#include "rules/common.h"
#include "rules/pool_fix.h"
#include "rules/rule.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  const core::Location* in_process = nullptr;  // command.upgrade()/downgrade() called from app code
  for (const sqla::FileFacts& file : facts.files) {
    if (!in_process && !file.is_test && !file.migration_runs.empty())
      in_process = &file.migration_runs.front();
  }
  for (const sqla::FileFacts& file : facts.files) {
    if (!file.is_alembic_env) continue;
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        const EnvPool pool = env_pool(config);
        if (pool.state != EnvPool::State::kPooled) continue;
        std::string message =
            std::string(sqla::factory_name(site.factory)) +
            "() in Alembic env.py keeps its connection in " +
            (pool.chosen ? std::string(sqla::pool_name(pool.kind)) + " (" + pool.how + ")"
                         : pool.how) +
            " instead of NullPool, so the migration connection stays open after the migrations "
            "finish";
        if (in_process) {
          message += "; the project runs migrations in-process (command.upgrade at " +
                     in_process->path + ":" + std::to_string(in_process->range.begin.line) +
                     "), so the app process keeps that connection open";
        }
        core::Finding& f = report_engine(out, site, config, std::move(message));
        if (in_process) {
          f.severity = core::Severity::kWarning;
          f.notes.push_back(core::Note{*in_process, "migrations run inside the application here"});
        }
        if (pool.chosen) note_argument(f, *pool.chosen, show(*pool.chosen) + " chosen here");
        // As the templates write it; the keywords NullPool refuses or ignores go with the pool.
        if (auto edits = pool_edits(file, site, config, "sqlalchemy.pool.NullPool", nullpool_unfit_keywords())) {
          f.autofix = anchored_fix("Use `poolclass=NullPool`, as the Alembic templates do", core::Applicability::kSafe,
                                   *edits);
        }
      }
    }
  }
}

}  // namespace

extern const Rule kPA301{
    {"PA301", "alembic-pooled-engine", core::Severity::kInfo, true,
     "Alembic env.py builds a pooled engine instead of NullPool",
     "**Why.** Every Alembic template (generic, async, multidb, pyproject) "
     "builds the migration "
     "engine with "
     "`poolclass=pool.NullPool`, so that no connection remains once the "
     "migrations are done. With "
     "a pool, the "
     "connection is returned to the pool and stays open until the engine is "
     "garbage-collected. For "
     "the `alembic` "
     "command that is harmless (the process exits), but when the application "
     "calls "
     "`alembic.command.upgrade()` "
     "in-process the connection stays open inside the app (reported as a "
     "warning then), and a "
     "transaction pooler "
     "keeps a server connection pinned.\n\n"
     "**Example.**\n```python\nconnectable = engine_from_config(\n    "
     "config.get_section(config.config_ini_section, {}),\n"
     "    prefix=\"sqlalchemy.\",\n)  # no poolclass: QueuePool\n```\n\n"
     "**Not reported when** the call passes `poolclass=pool.NullPool` (also "
     "inside the old async "
     "template "
     "`AsyncEngine(engine_from_config(..., poolclass=pool.NullPool))`), when "
     "the call forwards an "
     "unresolved "
     "`**kwargs`, when the pool class is the project's own, or when env.py "
     "uses a connection "
     "handed in through "
     "`config.attributes` (no engine is built). `sqlalchemy.poolclass` in "
     "alembic.ini does not "
     "count: "
     "engine_from_config cannot use a class name given as a string.",
     "Pass poolclass=pool.NullPool to the engine call in env.py, as the "
     "Alembic templates do",
     kDeployedCode,
     "Migrations run from Alembic's env.py or from application code (an "
     "upgrade at start-up) against the deployed database; tests run them on "
     "throw-away databases: production, script and migration files.",
     "Proven by the oracle on SQLAlchemy 1.4.46, Alembic 1.8.1, psycopg2 "
     "2.9.5 and PostgreSQL 15: after `command.upgrade()` in the app's "
     "process the env.py engine's connection stays open (`idle`); with "
     "`poolclass=pool.NullPool` none does.",
     core::FixAvailability::kSometimes,
     "Safe when the pool class (if any) and the keywords NullPool refuses or ignores (`pool_size`, "
     "`max_overflow`, `pool_timeout`, `pool_use_lifo`, `pool_pre_ping`, `pool_recycle`) are written "
     "at the call: `poolclass=NullPool` is added (or replaces the class) and those keywords are "
     "removed, spelled through env.py's imports (`pool.NullPool` with `from sqlalchemy import "
     "pool`), else `from sqlalchemy.pool import NullPool` is added. None when any of them comes "
     "from alembic.ini (`sqlalchemy.pool_size = 5` would make NullPool raise TypeError: the ini is "
     "the place to edit), a `**` dict or another module, or for a pool instance."},
    check};

}  // namespace rules
