// A scoped_session keeps one Session per thread (or task) until remove(); without it each worker
// thread's session keeps its transaction and pooled connection between requests (facts e18: after
// 40 requests on 4 threads, 4 connections checked out and "idle in transaction"; 0 with remove()).
#include "core/text.h"
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

using core::last_component;

/// `X.remove()` / `X.close()` (the registry proxies close() to the current session) or
/// `register(X)` (zope.sqlalchemy closes it with the transaction) anywhere in the project. Matched
/// by the last name component: a remove through another module's alias still counts (silence).
bool released(const sqla::ProjectFacts& facts, std::string_view name) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::RegistryRelease& r : file.entry.registry_releases) {
      if (last_component(r.object) == name) return true;
    }
  }
  return false;
}

bool uses_flask(const sqla::ProjectFacts& facts) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EntryPoint& e : file.entry.entry_points) {
      if (e.why.find(".route(") != std::string::npos || e.why.find("teardown") != std::string::npos)
        return true;
    }
    if (!file.flask_extensions.empty()) return true;
  }
  return false;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    if (file.is_test || file.is_script || file.is_alembic_env) continue;
    for (const sqla::SessionFactorySite& site : file.session_factories) {
      if (!site.scoped) continue;
      const std::string_view name = last_component(site.assigned_to);
      // Not bound to a name (passed on, returned): who removes it cannot be followed.
      if (name.empty() || site.assigned_to.find('[') != std::string::npos || released(facts, name))
        continue;
      // async_scoped_session scopes by task (scopefunc=current_task), scoped_session by thread.
      const bool per_task = site.callee.find("async_scoped") != std::string::npos;
      const std::string registry = per_task ? "async_scoped_session" : "scoped_session";
      core::Finding& f = out.report(
          site.where,
          "the " + registry + " `" + site.assigned_to + "` is never removed: each " +
              (per_task ? "task" : "thread") +
              " keeps its session, its transaction and its pooled connection between requests "
              "(\"idle in transaction\")");
      const std::string call = (per_task ? "await " : "") + std::string(name) + ".remove()";
      f.fix = uses_flask(facts)
                  ? "Call `" + call + "` at app-context teardown (`@app.teardown_appcontext`)"
                  : "Call `" + call +
                        "` when each request or task ends (a middleware, a dependency's `finally`, "
                        "or a task's `finally`)";
    }
  }
}

}  // namespace

extern const Rule kPA205{
    {"PA205", "scoped-session-never-removed", core::Severity::kWarning, true,
     "A scoped_session is never removed at request or task teardown",
     "**Why.** `scoped_session` keeps one Session per thread "
     "(`async_scoped_session`: per task) "
     "until "
     "`remove()` is called. Without it the session of each worker thread keeps "
     "its transaction, "
     "and so its "
     "pooled connection, between requests: locks stay held, snapshots go "
     "stale, and the database "
     "shows the "
     "connections as `idle in transaction` (4 worker threads after 40 "
     "requests: 4 connections "
     "checked out, "
     "0 with `remove()`).\n\n"
     "**Example.**\n```python\ndb_session = "
     "scoped_session(sessionmaker(bind=engine))\n# no "
     "db_session.remove() anywhere\n```\n\n"
     "**Not reported when** `remove()` (or `close()`) of the registry appears "
     "anywhere in the "
     "project, called or "
     "registered as a callback (`app.teardown_appcontext`, a middleware, a "
     "dependency's `finally`, "
     "`atexit.register(db_session.remove)`), when it is handed to "
     "`zope.sqlalchemy.register(...)`, "
     "for "
     "Flask-SQLAlchemy's `db.session` (it removes its own at app-context "
     "teardown), when the "
     "registry is not "
     "bound to a name, and in tests and scripts.",
     "Call `db_session.remove()` at request/app teardown (Flask "
     "`@app.teardown_appcontext`, "
     "FastAPI middleware or "
     "a dependency's `finally`)",
     kProductionOnly,
     "Teardown is per request or task, which only the application has: "
     "production only."},
    check};

}  // namespace rules
