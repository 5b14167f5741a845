// A `finally` clause also runs when the protected code raised (for a dependency: when the handler's
// exception was thrown in at the yield), so a commit there persists the work done before the error.
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::SessionUse& use : file.sessions) {
      // Connection-level commits (Alembic's autocommit_block, DDL helpers) are not this rule's.
      if (!use.confirmed || use.connection || !use.commit_in_finally.valid()) continue;
      std::string message = "the commit of `" + use.name + "` " +
                            (use.commit_after_except ? "after an `except` that swallows the error" : "in `finally`") +
                            " also runs when " +
                            (use.yielded ? "the request raised" : "the code before it raised") +
                            ", persisting partial work";
      core::Finding& f = out.report(use.commit_in_finally, std::move(message));
      f.notes.push_back(core::Note{use.where, "session created here"});
    }
  }
}

}  // namespace

extern const Rule kPA208{
    {"PA208", "commit-in-finally", core::Severity::kWarning, true,
     "A Session is committed in a `finally` block, so partial work is "
     "committed after an error",
     "**Why.** A `finally` clause runs whether or not the protected code "
     "raised. In a FastAPI dependency or a "
     "`@contextmanager`, the handler's exception is thrown into the generator "
     "at `yield`, so a `db.commit()` "
     "in `finally` commits whatever the request had flushed before it failed, "
     "instead of rolling it back. The same holds in a plain function and inside `with SessionLocal() as s:` / "
     "`async with` (the block closes the session, but the commit in `finally` has already run).\n\n"
     "**Example.**\n```python\ndef get_db():\n    db = SessionLocal()\n    "
     "try:\n        yield db\n    finally:\n"
     "        db.commit()   # also after the endpoint raised\n        "
     "db.close()\n```\n\n"
     "**Not reported when** the commit follows the `yield` inside `try` (it is "
     "skipped on error) and only "
     "`close()` is in `finally`, or for connection-level commits "
     "(`conn.commit()`, Alembic's "
     "`autocommit_block`).",
     "Commit after the yield inside `try`, roll back in `except`, and keep "
     "only `close()` in `finally`",
     kNotTests,
     "A test's fixture commits throw-away data; elsewhere partial work is "
     "committed after an error: every role but test.",
     "Proven by the oracle on SQLAlchemy 1.4.46, psycopg2 2.9.5 and "
     "PostgreSQL 15: the row a failed handler inserted is stored by the "
     "commit in `finally`; committing after the `yield` stores nothing."},
    check};

}  // namespace rules
