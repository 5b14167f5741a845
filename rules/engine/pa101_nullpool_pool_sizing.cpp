// NullPool, StaticPool and AssertionPool inherit Pool.__init__, which has no sizing parameters;
// create_engine() passes only the keywords the pool class declares and raises TypeError for the
// rest (engine/create.py, facts PA101). SingletonThreadPool declares pool_size only. With a
// pool=<instance>, create_engine consumes no pool keyword at all.
#include <array>

#include "rules/common.h"
#include "rules/fixes.h"
#include "rules/rule.h"

namespace rules {
namespace {

constexpr std::array<std::string_view, 4> kQueueSizing = {"pool_size", "max_overflow", "pool_timeout",
                                                         "pool_use_lifo"};

/// The keywords of `config` that its pool class rejects (what the finding names).
std::vector<const py::Argument*> rejected(const sqla::EngineConfig& config) {
  const sqla::PoolChoice& pool = config.pool;
  std::vector<const py::Argument*> given;
  if (pool.instance) {
    for (const py::Argument& a : config.keywords) {
      if (sqla::is_pool_keyword(a.name)) given.push_back(config.arg(a.name));
    }
  } else if (pool.kind == sqla::Pool::kNull || pool.kind == sqla::Pool::kStatic ||
             pool.kind == sqla::Pool::kAssertion || pool.kind == sqla::Pool::kSingletonThread) {
    for (std::string_view name : kQueueSizing) {
      if (pool.kind == sqla::Pool::kSingletonThread && name == "pool_size") continue;
      if (const py::Argument* a = config.arg(name)) given.push_back(a);
    }
  }
  return given;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        const sqla::PoolChoice& pool = config.pool;
        const std::vector<const py::Argument*> given = rejected(config);
        if (given.empty()) continue;
        std::vector<std::string> names;
        for (const py::Argument* a : given) {
          if (std::find(names.begin(), names.end(), a->name) == names.end()) names.push_back(a->name);
        }
        const std::string pool_text = pool.instance ? "a pool instance (pool=)" : std::string(sqla::pool_name(pool.kind));
        std::string message = std::string(sqla::factory_name(site.factory)) + "() raises TypeError at start-up: " +
                              pool_text + " does not accept " + quoted_list(names) +
                              " (\"Invalid argument(s) " + quoted_list(names) + " sent to create_engine(), using configuration .../" +
                              (pool.instance ? "QueuePool" : std::string(sqla::pool_name(pool.kind))) + "/Engine\")";
        if (!pool.explicit_class && !pool.instance) message += "; " + std::string(sqla::pool_name(pool.kind)) + " is " + pool.how;
        core::Finding& f = report_engine(out, site, config, std::move(message));
        for (const py::Argument* a : given) note_argument(f, *a, show(*a) + " passed here");
        note_pool(f, pool);
        // The keywords only raise: deleting them changes nothing else, unless another branch of the
        // same call passes them to a pool that uses them.
        f.autofix = engine_arguments_fix(facts, file, site, given, [](const sqla::EngineConfig& other, const py::Argument& a) {
          const std::vector<const py::Argument*> also = rejected(other);
          return std::any_of(also.begin(), also.end(), [&](const py::Argument* b) { return b->removal == a.removal; });
        });
      }
    }
  }
}

}  // namespace

extern const Rule kPA101{
    {"PA101", "nullpool-pool-sizing", core::Severity::kError, true,
     "Queue sizing options given to a pool that does not take them (TypeError "
     "at start-up)",
     "**Why.** `create_engine()` hands the pool only the keywords its class "
     "declares. NullPool, StaticPool and "
     "AssertionPool have no `pool_size`, `max_overflow`, `pool_timeout` or "
     "`pool_use_lifo`; SingletonThreadPool has "
     "`pool_size` only. Any other sizing keyword makes `create_engine()` "
     "raise\n"
     "`TypeError: Invalid argument(s) 'pool_size' sent to create_engine(), "
     "using configuration "
     "PGDialect_psycopg2/NullPool/Engine.` With `pool=<instance>` no pool "
     "keyword is consumed at all. The implied "
     "pool counts too: SQLite `:memory:` uses SingletonThreadPool, a SQLite "
     "file uses NullPool on SQLAlchemy 1.4.\n\n"
     "**Example.**\n```python\nengine = create_engine(url, poolclass=NullPool, "
     "pool_size=5)  # TypeError\n```\n\n"
     "**Not reported when** the keywords sit in another branch than the "
     "NullPool (each branch is its own "
     "configuration), for SingletonThreadPool with `pool_size`, for "
     "`pool_recycle` / `pool_pre_ping` (accepted), or "
     "when the pool class cannot be resolved.",
     "Remove the sizing options, or choose QueuePool when you want a sized "
     "pool",
     kEverywhere,
     "The engine call raises TypeError wherever it runs (a test or a tutorial "
     "too, and tutorials are copied into applications): every role.",
     "Proven by the oracle (tests/oracle) on SQLAlchemy 1.4.46, psycopg2 "
     "2.9.5 and PostgreSQL 15: `create_engine(url, poolclass=NullPool, "
     "pool_size=5)` raises the TypeError quoted above; without `pool_size` "
     "the engine connects. On 2.0 the same raise is at "
     "lib/sqlalchemy/engine/create.py:719-732@rel_2_0_52 (verified from "
     "source).",
     core::FixAvailability::kSometimes,
     "safe when the keywords are written at the engine call (directly, in a dict inside its "
     "parentheses, or in a dict only that call reads: `OPTS = {...}` whose one read is the call's "
     "`**OPTS`, in a module no other file imports) and every branch of the call that passes them has a pool that rejects them: "
     "they only raise, so deleting them changes nothing else. Unsafe when they come from a `**` "
     "dict other code of the file reads or other files import, or through a project wrapper (the edit is made there and changes "
     "every other engine built from it) or when another branch uses them. None when they are "
     "written in another file."},
    check};

}  // namespace rules
