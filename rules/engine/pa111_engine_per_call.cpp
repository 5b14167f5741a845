// An Engine sits in reference cycles, so one created per call is freed only by the cyclic GC: in
// the facts' experiment (e08) 20 handler calls left 20 server connections open with gc off, 4-5
// with gc on; every call also pays a new connect handshake. dispose() releases them at once.
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rules/common.h"
#include "rules/rule.h"
#include "sqla/module_table.h"

namespace rules {
namespace {

/// A configuration whose pool keeps connections, resolved ones first, then an assumed one (URL not
/// resolved); nullptr when none does. NullPool keeps no connection open after use (only the
/// handshake cost remains), and an unknown pool class or `**kwargs` may be NullPool.
const sqla::EngineConfig* pooled_config(const sqla::EngineSite& site) {
  const sqla::EngineConfig* assumed = nullptr;
  for (const sqla::EngineConfig& c : site.configs) {
    const sqla::Pool kind = c.pool.kind;
    if (kind == sqla::Pool::kNull || kind == sqla::Pool::kUnknown || kind == sqla::Pool::kCustom) continue;
    if (!c.pool.assumed) return &c;
    if (!assumed) assumed = &c;
  }
  return assumed;
}

bool disposes(const sqla::FileFacts& file, const std::string& function, const std::string& name) {
  return std::any_of(file.disposals.begin(), file.disposals.end(), [&](const sqla::DisposeCall& d) {
    return d.function == function && (name.empty() || d.receiver == name);
  });
}

/// A call from an entry point of any file to `function` of `file` (one level).
struct Caller {
  const sqla::FileFacts* file = nullptr;
  const sqla::EntryPoint* entry = nullptr;
  core::Location where;
};

/// The calls of every production file's entry-point facts, by the function they reach: a call
/// to a function of the same module by its name, another module's by its symbol resolved once
/// (`home_of`). Built once per run: resolving every call of the project for every engine site
/// made PA111 O(engine sites x calls) (issue #16: half the CPU of a real-code run). Calls are
/// kept in project order, so the first caller found is the one a scan would find.
class CallsByTarget {
 public:
  struct Call {
    const sqla::FileFacts* file;
    const sqla::FunctionCall* call;
  };

  CallsByTarget(const sqla::ProjectFacts& facts, const sqla::ModuleTable& modules) {
    for (const sqla::FileFacts& other : facts.files) {
      if (other.is_test || other.is_script) continue;
      for (const sqla::FunctionCall& c : other.entry.calls) {
        std::vector<Call>* same_module = nullptr;
        if (!c.callee.empty()) {
          same_module = &calls_[{&other, c.callee}];
          same_module->push_back(Call{&other, &c});
        }
        if (c.symbol.empty()) continue;
        std::string_view rest;
        const sqla::FileFacts* home = modules.home_of(c.symbol, other.path, rest);
        if (!home) continue;
        std::vector<Call>& target = calls_[{home, std::string(rest)}];
        if (&target != same_module) target.push_back(Call{&other, &c});
      }
    }
  }

  /// The calls that reach `function` of `file`, in project order.
  const std::vector<Call>& to(const sqla::FileFacts& file, const std::string& function) const {
    static const std::vector<Call> kNone;
    const auto it = calls_.find({&file, function});
    return it == calls_.end() ? kNone : it->second;
  }

 private:
  struct KeyHash {
    size_t operator()(const std::pair<const sqla::FileFacts*, std::string>& k) const {
      return std::hash<const void*>()(k.first) ^ (std::hash<std::string>()(k.second) * 31);
    }
  };
  std::unordered_map<std::pair<const sqla::FileFacts*, std::string>, std::vector<Call>, KeyHash>
      calls_;
};

std::optional<Caller> entry_caller(const CallsByTarget& calls, const sqla::FileFacts& file,
                                   const std::string& function) {
  for (const CallsByTarget::Call& hit : calls.to(file, function)) {
    const sqla::FileFacts& other = *hit.file;
    const sqla::FunctionCall& c = *hit.call;
    const sqla::EntryPoint* e = other.entry.find(c.caller);
    // A cached entry point runs once; one that disposes what it got back releases the pool.
    if (!e || other.entry.cached(c.caller) || disposes(other, c.caller, "")) continue;
    // A project wrapper called from the handler is reported at that call already.
    const bool reported =
        std::any_of(other.engines.begin(), other.engines.end(), [&](const sqla::EngineSite& s) {
          return s.function == c.caller && s.through == function;
        });
    if (!reported) return Caller{&other, e, c.where};
  }
  return std::nullopt;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  const sqla::ModuleTable modules(facts);
  std::optional<CallsByTarget> calls;  // built on the first site that needs it
  for (const sqla::FileFacts& file : facts.files) {
    if (file.is_test || file.is_script || file.is_alembic_env) continue;
    for (const sqla::EngineSite& site : file.engines) {
      const sqla::EntryPoint* entry =
          site.function.empty() ? nullptr : file.entry.find(site.function);
      if (site.flask_sqlalchemy || !local_engine(site, entry)) continue;
      const sqla::EngineConfig* pooled = pooled_config(site);
      if (!pooled) continue;
      const std::string held =
          ": its pooled connections stay open until garbage collection collects the engine, "
          "and every call pays a new connection handshake" + assumption_suffix(pooled->pool);
      if (!site.function.empty() &&
          (file.entry.cached(site.function) || disposes(file, site.function, site.assigned_to)))
        continue;
      const std::string factory = site.callee + "()";
      if (const sqla::EntryPoint* e = entry) {
        core::Finding& f =
            out.report(site.where, factory + " creates a new engine and connection pool on every " +
                                       std::string(sqla::entry_unit(e->kind)) + " (" +
                                       std::string(sqla::entry_kind_name(e->kind)) + " " +
                                       e->function + "())" + held);
        f.notes.push_back(core::Note{
            e->evidence, "runs per " + std::string(sqla::entry_unit(e->kind)) + ": " + e->why});
        continue;
      }
      if (site.in_loop) {
        out.report(
            site.where,
            factory + " creates a new engine and connection pool on every loop iteration" + held);
        continue;
      }
      if (site.function.empty()) continue;
      if (!calls) calls.emplace(facts, modules);
      if (auto caller = entry_caller(*calls, file, site.function)) {
        const sqla::EntryPoint& e = *caller->entry;
        core::Finding& f =
            out.report(site.where, factory + " in " + site.function +
                                       "() creates a new engine and connection pool on every " +
                                       std::string(sqla::entry_unit(e.kind)) + " (the " +
                                       std::string(sqla::entry_kind_name(e.kind)) + " " +
                                       e.function + "() calls it)" + held);
        f.notes.push_back(
            core::Note{caller->where, "called here, per " + std::string(sqla::entry_unit(e.kind))});
        f.notes.push_back(core::Note{
            e.evidence, "runs per " + std::string(sqla::entry_unit(e.kind)) + ": " + e.why});
      }
    }
  }
}

}  // namespace

extern const Rule kPA111{
    {"PA111", "engine-per-call", core::Severity::kWarning, true,
     "An engine is created per request, invocation or task (or per loop "
     "iteration) and never "
     "disposed",
     "**Why.** An `Engine` owns a connection pool and sits in reference "
     "cycles, so an engine "
     "created inside a "
     "request handler is not freed when the handler returns: its connections "
     "stay open until the "
     "cyclic "
     "garbage collector runs (20 handler calls left 20 server connections open "
     "with gc disabled, "
     "4-5 with it "
     "enabled), and every call pays a new TCP and authentication handshake. "
     "Entry points are route "
     "handlers "
     "(FastAPI, Starlette, Flask, Quart, Sanic, Litestar, class-based and "
     "Django views), FastAPI "
     "`Depends(...)` "
     "targets, middleware, AWS Lambda `(event, context)` handlers, Cloud "
     "Functions, "
     "tasks and jobs (Celery, dramatiq, huey, taskiq, RQ `enqueue`/`@job`, "
     "arq `WorkerSettings.functions`/`cron_jobs`), APScheduler jobs "
     "(`add_job`, `@scheduled_job`), loop "
     "bodies, and the project functions they call directly (one level).\n\n"
     "**Example.**\n```python\n@router.get(\"/items\")\ndef list_items():\n"
     "    engine = create_engine(settings.DATABASE_URL)   # a new pool per "
     "request\n"
     "    with engine.connect() as conn:\n        return "
     "conn.execute(text(\"select * from "
     "items\")).all()\n```\n\n"
     "**Not reported when** the factory is cached (`@lru_cache`, `@cache`, a "
     "`global _engine` "
     "memo), the engine is "
     "stored on an attribute or in a container (a registry), `dispose()`d in "
     "the same function, "
     "uses NullPool "
     "(nothing stays open) or a pool class that cannot be resolved, or in "
     "tests, scripts and Alembic env.py. An unresolved URL is not an unknown "
     "pool: without `poolclass` every database but a SQLite file gets one that "
     "keeps connections, and the message says it assumed so.",
     "Create the engine once at module level (or in a cached factory, e.g. "
     "`@lru_cache`) and reuse "
     "it; call "
     "`engine.dispose()` when an engine really must live for one call only",
     kProductionOnly,
     "Requests, invocations and tasks are production concepts; tests create an "
     "engine per test on purpose, and examples and scripts run once: "
     "production only.",
     "Not run by the oracle. The mechanism, a pool in reference cycles held "
     "until the cyclic garbage collector runs, is the one PA201 proves for "
     "sessions."},
    check};

}  // namespace rules
