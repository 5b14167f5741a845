// FastAPI deprecated `@app.on_event("startup" / "shutdown")` for `lifespan` (0.93.0: "Add support
// for lifespan async context managers (superseding startup and shutdown events)"); current
// versions warn "on_event is deprecated, use lifespan event handlers instead". A lifespan context
// manager keeps the engine's creation and its `await engine.dispose()` in one place and runs the
// shutdown half even when start-up partly failed. Before 0.93 there is no alternative: silent.
#include <optional>
#include <string>

#include "rules/pool_fix.h"
#include "rules/rule.h"

namespace rules {
namespace {

constexpr sqla::Version kLifespan{0, 93, 0};

/// The handler is registered on a FastAPI application or router: of its own module, or an `app`
/// imported from another module of the project that builds it with FastAPI().
bool on_fastapi(const sqla::ProjectFacts& facts, const sqla::EventHandler& handler) {
  if (handler.receiver.rfind("fastapi.", 0) == 0) return true;
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::WebApp& app : file.web_apps) {
      if (app.framework == "fastapi" && !app.test_client && !app.assigned_to.empty() && !file.module_name.empty() &&
          handler.receiver == file.module_name + "." + app.assigned_to) {
        return true;
      }
    }
  }
  return false;
}

/// What the handler does with the database, directly or through a function of another module.
std::optional<sqla::DatabaseUse> database_use(const sqla::ProjectFacts& facts, const sqla::EventHandler& handler,
                                              std::string& through) {
  if (handler.database) return handler.database;
  for (const std::string& call : handler.calls) {
    for (const sqla::FileFacts& file : facts.files) {
      if (file.module_name.empty() || call.rfind(file.module_name + ".", 0) != 0) continue;
      const std::string name = call.substr(file.module_name.size() + 1);
      for (const auto& [function, use] : file.database_functions) {
        if (function == name) {
          through = name;
          return use;
        }
      }
    }
  }
  return std::nullopt;
}

/// The file's lifespan plan (edit_anchors.h), unless a handler elsewhere in the project may be
/// registered on this app (Starlette runs either the lifespan or the event handlers): one on an app
/// other modules import, or on a router that may be included into it. Handlers of apps built in
/// their own module (another example app of the repository) are not this app's.
std::optional<core::Fix> lifespan_fix(const sqla::ProjectFacts& facts, const sqla::FileFacts& file) {
  if (!file.anchors.lifespan) return std::nullopt;
  for (const sqla::FileFacts& other : facts.files) {
    if (&other == &file) continue;
    for (const sqla::EventHandler& h : other.event_handlers) {
      if (h.receiver.rfind("fastapi.FastAPI(", 0) != 0) return std::nullopt;
    }
  }
  return anchored_fix("Move the on_event handlers into a lifespan context manager", core::Applicability::kUnsafe,
                      file.anchors.lifespan->edits);
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    const std::optional<sqla::Version>& fastapi = sqla::versions_of(facts, file).fastapi;
    if (fastapi && *fastapi < kLifespan) continue;
    for (const sqla::EventHandler& handler : file.event_handlers) {
      if (handler.event != "startup" && handler.event != "shutdown") continue;
      if (!on_fastapi(facts, handler)) continue;
      std::string through;
      const auto use = database_use(facts, handler, through);
      if (!use) continue;
      std::string message = "the " + handler.event + " handler " + handler.function + "() " + use->what +
                            (through.empty() ? "" : " (through " + through + "())") +
                            " but is registered with the deprecated on_event(): move it into a lifespan context "
                            "manager (FastAPI(lifespan=...))";
      core::Finding& f = out.report(handler.where, std::move(message));
      f.notes.push_back(core::Note{use->where, "the handler " + use->what + " here"});
      f.autofix = lifespan_fix(facts, file);
    }
  }
}

}  // namespace

extern const Rule kPA403{
    {"PA403", "on-event-deprecated", core::Severity::kInfo, false,
     "FastAPI @app.on_event(\"startup\"/\"shutdown\") handlers that manage "
     "engines or sessions: use lifespan",
     "**Why.** FastAPI 0.93 added `lifespan` context managers \"superseding "
     "startup and shutdown events\", and "
     "current versions warn `DeprecationWarning: on_event is deprecated, use "
     "lifespan event handlers instead`. "
     "A lifespan keeps creating the engine (or the tables) and `await "
     "engine.dispose()` in one function, around a "
     "`yield`.\n\n"
     "**Example.**\n```python\n@app.on_event(\"shutdown\")\nasync def "
     "shutdown():\n    await engine.dispose()\n```\n\n"
     "**Fix.**\n```python\n@asynccontextmanager\nasync def lifespan(app):\n    "
     "yield\n    await engine.dispose()\n\n"
     "app = FastAPI(lifespan=lifespan)\n```\n\n"
     "**Not reported when** the project pins FastAPI below 0.93 (no lifespan "
     "there), the handler does not touch "
     "the database, or the object is not a FastAPI app or router (Starlette's "
     "`on_startup=[...]` is a separate "
     "deprecation). Opt-in: `--select PA403`.",
     "Move the start-up and shutdown code into a lifespan context manager: "
     "FastAPI(lifespan=...)",
     kNotTests,
     "The deprecated API is worth moving away from in the application and in "
     "examples others copy; a test's handler goes with the app it tests: every "
     "role but test.",
     "Not run by the oracle: a deprecation of FastAPI 0.93+ (Debian ships "
     "0.92).",
     core::FixAvailability::kSometimes,
     "Unsafe (--unsafe-fixes), because the handlers then run from the lifespan (a start-up error "
     "now also skips the shutdown half), in the simple shape only: one FastAPI app built at module "
     "level without `lifespan`, `on_startup`, `on_shutdown` or `**`, every on_event handler a "
     "module-level function of the same file without parameters, and no handler of another file "
     "on an imported app or a router. The decorators are removed, `async def lifespan(app)` (with "
     "`@asynccontextmanager`, imported when needed) calls the start-up handlers, yields, then calls "
     "the shutdown handlers, and the app gets `lifespan=lifespan`. None otherwise: a router's or "
     "another module's handler would silently stop running."},
    check};

}  // namespace rules
