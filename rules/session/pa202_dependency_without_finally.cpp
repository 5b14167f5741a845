// FastAPI (and contextlib) throw the handler's exception into the dependency generator at its
// `yield`, so code after the yield runs on the success path only (facts PA202: 40 of 60 failing
// requests got the pool TimeoutError). pytest resumes fixtures normally: not reported there.
#include "rules/common.h"
#include "rules/pool_fix.h"
#include "rules/rule.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::SessionUse& use : file.sessions) {
      if (!use.confirmed || use.foreign_bind || !use.yielded || !use.in_generator || use.test_fixture) continue;
      const sqla::Release r = use.release;
      if (r != sqla::Release::kNever && r != sqla::Release::kHappyPathOnly && r != sqla::Release::kExceptOnly) continue;
      const std::string object = use.connection ? "connection" : "session";
      const std::string stays = (use.connection ? ": it stays" : " and its connection stays") +
                                std::string(" checked out until garbage collection (QueuePool TimeoutError");
      std::string message =
          r == sqla::Release::kExceptOnly
              ? "the " + object + " from " + use.callee + "() yielded by " + use.function +
                    "() is closed only in an `except` clause, so every request that succeeds leaves it open" +
                    stays + " after a few requests)"
              : "an exception in the request is thrown into " + use.function + "() at its yield, so the " + object +
                    " from " + use.callee + "() is " + (r == sqla::Release::kNever ? "never closed" : "not closed") +
                    stays + " after a few failing requests)";
      core::Finding& f = out.report(use.where, std::move(message));
      for (const sqla::PlannedEdits& plan : file.anchors.yield_wraps) {
        if (plan.at != use.where.range.begin) continue;
        // Unsafe: the close now also runs when the request failed, and code after the yield moves
        // into the try body (it still runs only on success).
        f.autofix = anchored_fix("Close `" + use.name + "` in `finally`", core::Applicability::kUnsafe, plan.edits);
      }
      if (use.release_where.valid()) {
        f.notes.push_back(core::Note{use.release_where, r == sqla::Release::kHappyPathOnly ? "closed here, on the success path only"
                                                        : r == sqla::Release::kExceptOnly ? "closed here, only on the exception path"
                                                                                          : "yielded here"});
      }
    }
  }
}

}  // namespace

extern const Rule kPA202{
    {"PA202", "dependency-without-finally", core::Severity::kError, true,
     "A generator yields a session or connection without closing it in "
     "`finally` or a `with` block",
     "**Why.** FastAPI dependencies and `@contextmanager` generators receive "
     "the handler's exception at the "
     "`yield` (`gen.throw()`): code after the `yield` runs only on the success "
     "path. A `db.close()` there is "
     "skipped whenever the request fails, and the connection stays checked out "
     "until garbage collection. "
     "With a pool of 2, 40 of 60 failing requests then got `TimeoutError: "
     "QueuePool limit of size 2 overflow 0 "
     "reached`. Async dialects also warn that the garbage collector terminates "
     "the non-checked-in connection.\n\n"
     "**Example.**\n```python\ndef get_db():\n    db = SessionLocal()\n    "
     "yield db\n    db.close()   # skipped "
     "when the endpoint raises\n```\n\n"
     "**Not reported when** the yield is inside `with SessionLocal() as db:` / "
     "`async with` / "
     "`with engine.begin() as conn:`, or the close is in `finally`, or closed "
     "in an `except` clause and after "
     "it (a close in `except` alone leaves every successful request's session open, and is "
     "reported), for pytest fixtures (pytest resumes the generator after a failing "
     "test), or when the object is "
     "stored or passed elsewhere. Dependencies that `return` are PA201's.",
     "Wrap the yield: `with SessionLocal() as db: yield db`, or `try: yield "
     "db` / `finally: db.close()`",
     kNotTests,
     "A test's dependency override is resumed by the test client, and a "
     "session it leaks when a test fails dies with the run; examples are "
     "copied into applications: every role but test.",
     "Proven by the oracle on SQLAlchemy 1.4.46, psycopg2 2.9.5 and "
     "PostgreSQL 15: a dependency entered as FastAPI does (a context manager"
     " that throws the handler's exception in at the `yield`) never closes "
     "its session, and the third request fails with `QueuePool limit of size"
     " 2 overflow 0 reached` (cyclic garbage collector off); with "
     "`try/finally` every request gets its 404.",
     core::FixAvailability::kSometimes,
     "Unsafe (--unsafe-fixes), because the close then also runs when the request failed: the yield "
     "and the statements after it in its block go into `try:`, and a trailing `<name>.close()` (or "
     "`<name>.close()` added; `await <name>.close()` in an async generator that awaits the "
     "object's methods) into `finally:`, at the block's own indentation. None when the object is "
     "closed only in an `except` clause, closed elsewhere than at the end of the yield's block, "
     "yielded more than once or not bound to a name, or a multi-line string would be re-indented."},
    check};

}  // namespace rules
