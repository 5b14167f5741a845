// create_engine() compares the pool's `_is_asyncio` with the dialect's `is_async` and raises
// ArgumentError("Pool class X cannot be used with [non-]asyncio engine") since 2.0.28
// (engine/create.py, ticket #8771). Only QueuePool and SingletonThreadPool (False) and
// AsyncAdaptedQueuePool (True) carry the attribute: NullPool, StaticPool, AssertionPool and
// FallbackAsyncAdaptedQueuePool suit both. The check follows the dialect, so an async driver URL
// makes any factory an asyncio engine (facts PA108). Before 2.0.28 the pair is accepted and a
// sync pool's blocking wait freezes the event loop under contention.
#include "rules/common.h"
#include "rules/engine/engine_options.h"
#include "rules/fixes.h"
#include "rules/pool_fix.h"
#include "rules/rule.h"

namespace rules {
namespace {

constexpr sqla::Version kRaises{2, 0, 28};

/// Why the engine is an asyncio one, for the message.
std::string why_async(const sqla::EngineSite& site, const sqla::EngineConfig& config) {
  if (sqla::is_async_factory(site.factory)) return std::string(sqla::factory_name(site.factory)) + "()";
  if (site.wrapped_async) return "AsyncEngine(" + std::string(sqla::factory_name(site.factory)) + "(...))";
  return "the +" + config.url->driver + " driver";
}

/// The engine is certainly a sync one: no async factory or wrapper, and a URL whose driver is
/// known and sync. Without the URL the dialect is unknown (an +asyncpg URL would make even
/// create_engine() an asyncio engine), so there is nothing to report.
bool surely_sync(const sqla::EngineSite& site, const sqla::EngineConfig& config) {
  if (config.is_async || site.wrapped_async || !config.url) return false;
  const std::string& dialect = config.url->dialect;
  return !dialect.empty() && config.url->driver.find('{') == std::string::npos &&
         dialect.find('{') == std::string::npos;
}

/// The pool class the engine kind wants, written at the call: an asyncio engine on a known
/// non-SQLite URL drops `poolclass` (AsyncAdaptedQueuePool is its default); with the URL unknown
/// QueuePool becomes AsyncAdaptedQueuePool (same sizing keywords); a sync engine gets QueuePool.
/// SQLite keeps its choice: which pool suits a memory database is the user's call.
/// Deletes `poolclass` where it is written when that is not the call itself: a dict only this call
/// reads, or a keyword at the call of a wrapper that forwards its `**kwargs` (rules/fixes.h); only
/// when that is safe: every configuration passing it is an asyncio engine on a literal non-SQLite URL.
std::optional<core::Fix> drop_class_elsewhere(const sqla::ProjectFacts& project, const sqla::FileFacts& file,
                                              const sqla::EngineSite& site, const sqla::EngineConfig& config,
                                              const std::string& name) {
  const py::Argument* cls = config.arg("poolclass");
  if (!cls) return std::nullopt;
  auto passes = [&](const sqla::EngineConfig& other) {
    const py::Argument* a = other.arg("poolclass");
    return a && a->removal == cls->removal;
  };
  auto rejects = [&](const sqla::EngineConfig& other) {
    return other.is_async && literal_url(other) && !other.url->is_sqlite() &&
           (other.pool.kind == sqla::Pool::kQueue || other.pool.kind == sqla::Pool::kSingletonThread);
  };
  const std::optional<core::Applicability> applicability =
      span_deletion(project, file, site, cls->removal, cls->where.path, passes, rejects, cls->via);
  // A shared dict or wrapper call: the class may be right for the other engines; no fix.
  if (applicability != core::Applicability::kSafe) return std::nullopt;
  std::optional<core::Fix> fix = deletion_fix({Deletion{"poolclass", cls->removal, *applicability}});
  if (fix) fix->title = "Remove `poolclass=" + name + "` (an asyncio engine defaults to AsyncAdaptedQueuePool)";
  return fix;
}

std::optional<core::Fix> fix_for(const sqla::ProjectFacts& project, const sqla::FileFacts& file,
                                 const sqla::EngineSite& site, const sqla::EngineConfig& config) {
  const sqla::PoolChoice& pool = config.pool;
  if (!pool.explicit_class || pool.instance) return std::nullopt;
  const std::string name(sqla::pool_name(pool.kind));
  std::optional<std::vector<sqla::TextEdit>> edits;
  std::string title;
  if (config.is_async) {
    if (config.url && config.url->is_sqlite()) return std::nullopt;
    if (literal_url(config)) {
      edits = pool_edits(file, site, config, "", {});
      if (!edits) return drop_class_elsewhere(project, file, site, config, name);
      title = "Remove `poolclass=" + name + "` (an asyncio engine defaults to AsyncAdaptedQueuePool)";
    } else if (pool.kind == sqla::Pool::kQueue && !config.url) {
      edits = pool_edits(file, site, config, "sqlalchemy.pool.AsyncAdaptedQueuePool", {});
      title = "Replace " + name + " with AsyncAdaptedQueuePool";
    }
  } else {
    edits = pool_edits(file, site, config, "sqlalchemy.pool.QueuePool", {});
    title = "Replace AsyncAdaptedQueuePool with QueuePool";
  }
  if (!edits) return std::nullopt;
  return anchored_fix(std::move(title), core::Applicability::kSafe, *edits);
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    // The version of the file's service (facts.h versions_of).
    const std::optional<sqla::Version>& version = sqla::versions_of(facts, file).sqlalchemy;
    const bool old = version && *version < kRaises;
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        const sqla::PoolChoice& pool = config.pool;
        if (!pool.explicit_class && !pool.instance) continue;
        const std::string name(sqla::pool_name(pool.kind));
        std::string message;
        core::Severity severity = core::Severity::kError;
        if (config.is_async && (pool.kind == sqla::Pool::kQueue || pool.kind == sqla::Pool::kSingletonThread)) {
          const std::string error = "ArgumentError: Pool class " + name + " cannot be used with asyncio engine";
          if (old) {
            message = name + " stalls the event loop of this asyncio engine (" + why_async(site, config) +
                      "): a checkout that waits for a connection blocks the thread, freezing every task for up to "
                      "pool_timeout; SQLAlchemy " + version->str() + " accepts it, 2.0.28 and later refuse it with \"" +
                      error + "\"";
          } else {
            message = "the asyncio engine (" + why_async(site, config) + ") fails at start-up with \"" + error +
                      "\" (SQLAlchemy 2.0.28 and later; older versions accept it and stall the event loop whenever "
                      "a checkout waits)";
          }
        } else if (pool.kind == sqla::Pool::kAsyncAdaptedQueue && surely_sync(site, config)) {
          const std::string error = "ArgumentError: Pool class AsyncAdaptedQueuePool cannot be used with non-asyncio engine";
          if (old) {
            severity = core::Severity::kWarning;
            message = "AsyncAdaptedQueuePool is an asyncio-only pool on a sync engine: SQLAlchemy " + version->str() +
                      " accepts it, but its waits are asyncio awaits a sync engine cannot run, and 2.0.28 and later "
                      "refuse it with \"" + error + "\"";
          } else {
            message = std::string(sqla::factory_name(site.factory)) + "() fails at start-up with \"" + error +
                      "\" (SQLAlchemy 2.0.28 and later)";
          }
        } else {
          continue;
        }
        core::Finding& f = report_engine(out, site, config, std::move(message));
        f.severity = severity;
        note_pool(f, pool);
        f.autofix = fix_for(facts, file, site, config);
        if (config.is_async && !sqla::is_async_factory(site.factory) && !site.wrapped_async && config.url_origin.valid()) {
          f.notes.push_back(core::Note{config.url_origin, "the +" + config.url->driver + " driver makes it an asyncio engine"});
        }
      }
    }
  }
}

}  // namespace

extern const Rule kPA108{
    {"PA108", "async-engine-sync-pool", core::Severity::kError, true,
     "A thread-blocking pool on an asyncio engine (or an asyncio pool on a "
     "sync engine)",
     "**Why.** QueuePool and SingletonThreadPool wait for connections with "
     "thread locks. On an asyncio engine "
     "(`create_async_engine`, `async_engine_from_config`, "
     "`AsyncEngine(engine_from_config(...))` or any URL with an "
     "async driver such as `+asyncpg`) such a wait blocks the event loop, so "
     "every task freezes until the pool "
     "timeout. Since SQLAlchemy 2.0.28 `create_engine()` refuses the "
     "combination at start-up:\n"
     "`ArgumentError: Pool class QueuePool cannot be used with asyncio "
     "engine`. The reverse, "
     "`AsyncAdaptedQueuePool` on a sync engine, raises `... cannot be used "
     "with non-asyncio engine`.\n\n"
     "**Example.**\n```python\nengine = "
     "create_async_engine(\"postgresql+asyncpg://db/app\", "
     "poolclass=QueuePool)\n"
     "```\n\n"
     "**Not reported when** the pool is NullPool, StaticPool, AssertionPool, "
     "FallbackAsyncAdaptedQueuePool or "
     "AsyncAdaptedQueuePool on an asyncio engine (all legal), when the pool is "
     "only implied, or when it cannot be "
     "told whether the engine is asyncio (`AsyncAdaptedQueuePool` with an "
     "unresolved URL).",
     "Use AsyncAdaptedQueuePool (the default) or NullPool for asyncio engines, "
     "QueuePool for sync ones",
     kEverywhere,
     "The engine raises at creation or first use wherever it runs: every "
     "role.",
     "Not proven by the oracle: the ArgumentError exists from SQLAlchemy "
     "2.0.28 and Debian ships 1.4.46. Verified from source: "
     "lib/sqlalchemy/engine/create.py:690-699@rel_2_0_52 raises when "
     "`pool._is_asyncio is not dialect.is_async`.",
     core::FixAvailability::kSometimes,
     "Safe when `poolclass=` is written at the engine call: on an asyncio engine whose URL names "
     "a database other than SQLite the keyword is removed (AsyncAdaptedQueuePool is the default), "
     "with the URL unresolved QueuePool is replaced by AsyncAdaptedQueuePool (the same sizing "
     "keywords apply), and on a sync engine AsyncAdaptedQueuePool is replaced by QueuePool; the "
     "name is written through the module's own imports, or `from sqlalchemy.pool import ...` is "
     "added. On such an asyncio engine, `poolclass` in a dict only that call reads (`OPTS = {...}` "
     "read by nothing but its `**OPTS`, in a module no other file imports) or at the call of a "
     "wrapper that passes its `**kwargs` to the engine and reads them nowhere else is deleted there, "
     "safely too. None when the class comes from a dict other code reads, a settings object or another "
     "module (other engines may read it), for a pool instance, or for SQLite (whether a memory "
     "database wants StaticPool is the user's call)."},
    check};

}  // namespace rules
