// A Session and its SessionTransaction form a reference cycle, so a Session dropped without
// close() keeps its pooled connection checked out until the cyclic GC runs (facts PA201: 14 of 20
// calls hit the pool TimeoutError). Connections from engine.connect() are checked out at once.
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

std::string what(const sqla::SessionUse& use) {
  return use.connection ? "the connection from " + use.callee + "()" : "the session from " + use.callee + "()";
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  // Bound metadata (1.x) could hand a bind-less Session a connection; 2.0 removed it.
  for (const sqla::FileFacts& file : facts.files) {
    const bool bindless_holds_nothing = sqla::versions_of(facts, file).sqlalchemy_or_latest() >= sqla::Version{2, 0, 0};
    if (file.is_test && file.about_leaks)
      continue; // the test leaks on purpose to test a leak warning
    for (const sqla::SessionUse& use : file.sessions) {
      if (!use.confirmed || use.foreign_bind || use.module_level || use.function.empty() || use.yielded) continue;
      if (use.setup_once || (use.unbound && bindless_holds_nothing)) continue;
      // In a test, only a failing test skips a happy-path close(), and the failure ends that test; a
      // `return` or `raise` that leaves without closing is a leak on a normal path and still reported.
      if (file.is_test && use.release == sqla::Release::kHappyPathOnly && !use.early_exit) continue;
      // A click / typer command is the process: the exception or the `return` that skips its
      // close() ends the process, and the exit releases the connection. One never closed is still
      // held for the rest of the command (reported).
      if (use.release == sqla::Release::kHappyPathOnly && file.is_cli_command(use.function)) continue;
      const std::string held = "its pooled connection stays checked out until garbage collection (QueuePool "
                               "TimeoutError under load)";
      std::string message;
      switch (use.release) {
        case sqla::Release::kNever:
          message = what(use) + " is never closed: " + held;
          break;
        case sqla::Release::kHappyPathOnly:
          message = what(use) + " is not closed on every path (an exception or an early return skips the close()): " + held;
          break;
        case sqla::Release::kExceptOnly:
          message = what(use) + " is closed only in an `except` clause, so the normal path leaves it open: " + held;
          break;
        case sqla::Release::kThrowAway:
          message = what(use) + " is used once and dropped without close(): " + held;
          break;
        case sqla::Release::kReturned: {
          // FastAPI runs clean-up code only for dependencies that yield; a returned session is
          // handed to the endpoint and never closed.
          const sqla::EntryPoint* e = file.entry.find(use.function);
          if (!e || e->kind != sqla::EntryKind::kDependency || use.in_generator) continue;
          message = what(use) + " is returned by the FastAPI dependency " + use.function +
                    "(), and FastAPI closes nothing a dependency returns: " + held;
          break;
        }
        default: continue;
      }
      core::Finding& f = out.report(use.where, std::move(message));
      // The pool's proxied DBAPI connection (raw_connection()) is not a context manager.
      if (use.connection && use.callee.ends_with("raw_connection")) {
        f.fix = "Close it in `finally`, or use `with contextlib.closing(" + use.callee + "()) as conn:`";
      } else if (use.connection) {
        f.fix = "Use `with " + use.callee + "() as conn:` (or `async with`), or close it in `finally`";
      }
      if (use.release == sqla::Release::kReturned) {
        f.notes.push_back(core::Note{file.entry.find(use.function)->evidence, "used as a dependency here"});
        f.fix = "Make " + use.function + "() a generator: `with SessionLocal() as db: yield db`";
      }
      if (use.release == sqla::Release::kExceptOnly && use.release_where.valid()) {
        f.notes.push_back(core::Note{use.release_where, "closed here, only when an exception was raised"});
      }
      if (use.lent && use.release == sqla::Release::kNever) {
        f.notes.push_back(core::Note{use.where, "passing it to another function lends it: no callee closes or keeps it"});
      }
      if (use.release == sqla::Release::kHappyPathOnly && use.release_where.valid()) {
        f.notes.push_back(core::Note{use.release_where, "closed here, skipped when an earlier statement raises or returns"});
      }
    }
  }
}

}  // namespace

extern const Rule kPA201{
    {"PA201", "session-not-closed", core::Severity::kWarning, true,
     "A Session or connection created in a function is not closed on every path",
     "**Why.** A `Session` and its transaction form a reference cycle, so a Session that goes out of scope "
     "without `close()` keeps its pooled connection checked out until the cyclic garbage collector runs, which "
     "is not prompt. With a pool of 3 connections, 14 of 20 handler calls failed with "
     "`TimeoutError: QueuePool limit ... reached`. A connection from `engine.connect()` is checked out at once. "
     "A `close()` at the end of the success path does not run when a statement before it raises.\n\n"
     "A `close()` only in an `except` clause leaves the normal path open.\n\n"
     "**Example.**\n```python\ndef handler():\n    db = SessionLocal()\n    users = db.query(User).all()\n"
     "    db.close()          # skipped when the query raises\n    return users\n```\n\n"
     "**Not reported when** the object is used in `with`/`async with` (also `with Session(engine).begin():`), "
     "closed in `finally`, wrapped in `contextlib.closing`, returned, stored on `self` or in a container, given "
     "to a function of the project that closes or keeps that parameter (passing it to any other call, such as "
     "`MigrationContext.configure(conn)` or a service taking `db_session=`, only lends it), registered as a teardown callback (`atexit.register(db.close)`), "
     "or never used (a Session acquires its connection lazily), or when a `Session()` made with no bind (and "
     "nothing in the function binding it) only collects objects: on SQLAlchemy 2.0 it has no engine to take a "
     "connection from. In a pytest fixture, a `close()` after the `yield` is the fixture's teardown, which "
     "pytest runs whether the test passed or failed (the test's exception never reaches the fixture), so it "
     "counts as closed. In a test file (a test function, a fixture's set-up), a `close()` that only an exception "
     "can skip is enough: that exception already fails the test, or errors the fixture, and pytest reports it; a "
     "`return` or `raise` that leaves without closing is still reported. A FastAPI dependency (a `Depends(...)` target) "
     "that returns a new session is reported: FastAPI runs clean-up only for dependencies that yield. In a click / "
     "typer command (`@click.command()`, `@cli.command(...)`, Flask's `@app.cli.command()`) or a function a "
     "script's `__main__` block runs, with no `while` loop, a Session left open is released by the process exit "
     "right after, so it is not reported; a connection (`engine.connect()`) is still reported when it is never "
     "closed, since it holds its transaction for the rest of the command. Generators that yield it are PA202's. "
     "`scoped_session` registries and Flask-SQLAlchemy's `db.session` are not Sessions created here.",
     "Use `with SessionLocal() as db:` (or `async with`), or close it in `finally`",
     kNotExamples,
     "Documentation snippets leave out clean-up for brevity, so examples are skipped; tests are audited (a "
     "leaked session holds a connection for the rest of the run) except test files about leaks (they leak on "
     "purpose to test a warning: the file mentions leaks, ResourceWarning, gc.collect or weakref), and a test's "
     "close() that only an exception skips is enough (the exception already fails the test): every role but "
     "example.",
     "Proven by the oracle on SQLAlchemy 1.4.46, psycopg2 2.9.5 and "
     "PostgreSQL 15: a handler that leaves its Session open keeps the "
     "connection checked out until the cyclic garbage collector runs (the "
     "oracle turns it off), and the third request fails with `QueuePool "
     "limit of size 2 overflow 0 reached`; with `with Session(engine)` every"
     " request runs."},
    check};

}  // namespace rules
