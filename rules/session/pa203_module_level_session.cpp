// A Session is not thread- or task-safe; one created at import time is shared by every request
// (facts PA203: on 2.0, 58 of 60 threads got "This session is provisioning a new connection;
// concurrent operations are not permitted"; on 1.4 random AttributeErrors and leaked connections).
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

bool migration_path(std::string_view path) {
  const std::string p = "/" + std::string(path);
  return p.find("/migrations/") != std::string::npos || p.find("/alembic/") != std::string::npos ||
         p.find("/versions/") != std::string::npos;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    if (file.is_test || file.is_script || file.is_alembic_env || migration_path(file.path)) continue;
    for (const sqla::SessionUse& use : file.sessions) {
      if (!use.confirmed || use.foreign_bind || !use.module_level || use.connection || use.name.empty()) continue;
      if (use.release == sqla::Release::kWith || use.release == sqla::Release::kThrowAway) continue;
      out.report(use.where, "every request and thread shares the module-level session `" + use.name +
                                "`: concurrent use fails (\"This session is provisioning a new connection; "
                                "concurrent operations are not permitted\" on SQLAlchemy 2.0)");
    }
  }
}

}  // namespace

extern const Rule kPA203{
    {"PA203", "module-level-session", core::Severity::kWarning, true,
     "A Session instance created at module level is shared by every request "
     "and thread",
     "**Why.** A `Session` (or `AsyncSession`) cannot be shared among "
     "concurrent threads or tasks. One created "
     "at import time is used by every request: on SQLAlchemy 2.0 concurrent "
     "use raises `InvalidRequestError: "
     "This session is provisioning a new connection; concurrent operations are "
     "not permitted`; on 1.4 it fails "
     "with random `AttributeError`s and leaks connections.\n\n"
     "**Example.**\n```python\nsession = Session(engine)          # shared by "
     "all requests\n```\n\n"
     "**Not reported when** the module-level name is a factory (`SessionLocal "
     "= sessionmaker(...)`, "
     "`Session = sessionmaker()`), a `scoped_session` / `async_scoped_session` "
     "registry, Flask-SQLAlchemy's "
     "`db.session`, or in tests, scripts (`scripts/`, `manage.py`, a "
     "`__main__` guard in a module without a "
     "web framework, a module that defines no function and commits at import: a seeding script) and Alembic "
     "migrations, which run single-threaded.",
     "Create a Session per request (a dependency with `with SessionLocal() as "
     "db: yield db`) or use scoped_session",
     kProductionOnly,
     "A module-level Session is shared by the requests and threads of a "
     "running application; a test module's or a script's session serves one "
     "thread of control, and migrations run once: production only.",
     "Not run by the oracle: the failures are races between threads, not "
     "reproducible on demand."},
    check};

}  // namespace rules
