// A generator object has no __enter__/__aenter__: `with get_db():` on an undecorated generator
// function raises TypeError before the body runs (AttributeError: __enter__ before Python 3.11).
// Typical after copying a FastAPI dependency (`def get_db(): ... yield db`) into a script or task.
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::WithCall& w : file.with_calls) {
      if (!w.plain_generator) continue;
      const std::string object = w.async_generator ? "async_generator" : "generator";
      const std::string protocol = w.async_with ? "asynchronous context manager" : "context manager";
      std::string message = std::string(w.async_with ? "async with " : "with ") + w.callee + "() raises TypeError: " +
                            w.callee + "() is a" + (w.async_generator ? "n async" : "") +
                            " generator function without @" + (w.async_generator ? "asynccontextmanager" : "contextmanager") +
                            " ('" + object + "' object does not support the " + protocol + " protocol)";
      core::Finding& f = out.report(w.where, std::move(message));
      if (w.definition.valid()) f.notes.push_back(core::Note{w.definition, "generator defined here"});
      f.fix = std::string("Decorate ") + w.callee + " with @contextlib." +
              (w.async_generator ? "asynccontextmanager" : "contextmanager") +
              " (keep an undecorated copy for FastAPI's Depends), or open the session directly";
    }
  }
}

}  // namespace

extern const Rule kPA207{
    {"PA207", "async-generator-as-context-manager", core::Severity::kError,
     true,
     "`with f()` / `async with f()` where `f` is a generator function, not a "
     "context manager (TypeError)",
     "**Why.** A FastAPI dependency such as `async def get_db(): async with "
     "SessionLocal() as s: yield s` is a "
     "plain (async) generator function. FastAPI wraps it itself; code that "
     "calls it directly in `with` / "
     "`async with` gets a generator object, which has no `__enter__` / "
     "`__aenter__`: `TypeError: "
     "'async_generator' object does not support the asynchronous context "
     "manager protocol` (AttributeError "
     "before Python 3.11), at run time, on the first request or task that "
     "reaches it.\n\n"
     "**Example.**\n```python\nasync def get_db():\n    async with "
     "SessionLocal() as s:\n        yield s\n\n"
     "async def task():\n    async with get_db() as db:   # TypeError\n        "
     "...\n```\n\n"
     "**Not reported when** the generator is decorated (`@contextmanager`, "
     "`@asynccontextmanager`, or any "
     "decorator the analysis cannot see through), when the callee cannot be "
     "resolved to a function of the "
     "project, or for methods.",
     "Decorate the generator with @contextlib.contextmanager / "
     "@contextlib.asynccontextmanager, or use the "
     "session factory directly",
     kEverywhere, "The `with` raises TypeError wherever it runs: every role.",
     "Proven by the oracle on Python 3.11 and SQLAlchemy 1.4.46: `async "
     "with` over an async generator raises `TypeError: 'async_generator' "
     "object does not support the asynchronous context manager protocol`, "
     "`with` over a generator `TypeError: 'generator' object does not "
     "support the context manager protocol`; decorated with "
     "`@asynccontextmanager` / `@contextmanager` both run."},
    check};

}  // namespace rules
