// A scoped_session keeps one Session per thread (or task) until remove(); without it each worker
// thread's session keeps its transaction and pooled connection between requests (facts e18: after
// 40 requests on 4 threads, 4 connections checked out and "idle in transaction"; 0 with remove()).
#include "core/text.h"
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

using core::last_component;

/// The registry's references across the project: `R.remove()` / `R.close()` (the registry proxies
/// close() to the current session), `register(R)` (zope.sqlalchemy closes it with the transaction).
/// A reference resolved to a module-level name must name this registry; one on a receiver that
/// cannot be resolved (`self.db_session.remove()`, a registry local to a function) is matched by its
/// last name component (silence: who it is cannot be followed).
struct Uses {
  bool released = false;
  int closed_calls = 0;  ///< `R()` whose session is closed on every path (finally, with)
  int other = 0;         ///< proxied uses (`R.query(...)`), sessions not closed, passed on
};

Uses uses_of(const sqla::ProjectFacts& facts, const std::string& symbol, std::string_view name) {
  Uses u;
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::RegistryReference& r : file.registry_references) {
      const bool same = r.symbol.empty() ? last_component(r.text) == name : r.symbol == symbol;
      if (!same) continue;
      switch (r.kind) {
        case sqla::RegistryReference::Kind::kRelease: u.released = true; break;
        case sqla::RegistryReference::Kind::kClosedCall: ++u.closed_calls; break;
        case sqla::RegistryReference::Kind::kOther: ++u.other; break;
      }
    }
  }
  return u;
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
      if (name.empty() || site.assigned_to.find('[') != std::string::npos) continue;
      const bool module_name = site.function.empty() && site.assigned_to.find('.') == std::string::npos;
      const Uses u = uses_of(facts, module_name ? file.module_name + "." + site.assigned_to : "", name);
      if (u.released) continue;
      // Every session taken from it is closed on every path: close() ends the transaction and returns
      // the connection; the registry keeps a closed Session that holds none (facts PA205).
      if (module_name && u.closed_calls > 0 && u.other == 0) continue;
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
     "**Not reported when** `remove()` (or `close()`) of the same registry "
     "appears in the "
     "project (matched through imports), called or "
     "registered as a callback (`app.teardown_appcontext`, a middleware, a "
     "dependency's `finally`, "
     "`atexit.register(db_session.remove)`), when it is handed to "
     "`zope.sqlalchemy.register(...)`, "
     "when every session taken from it (`db = db_session()`) is closed in `finally` or a `with` "
     "block in every module (close() returns the connection; the registry keeps a closed Session), for "
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
     "production only.",
     "Not run by the oracle: it needs a server's worker threads; the `idle "
     "in transaction` state it leaves is the one PA119 proves."},
    check};

}  // namespace rules
