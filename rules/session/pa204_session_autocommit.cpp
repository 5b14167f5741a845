// SQLAlchemy 2.0 keeps the parameter but raises ArgumentError("autocommit=True is no longer
// supported") when the Session is created, i.e. on the first request, not at import
// (orm/session.py:1751-1754@rel_2_0_52). 1.4 only warns with SQLALCHEMY_WARN_20=1.
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    const sqla::DependencyVersions& versions = sqla::versions_of(facts, file);
    const bool pinned_2 = versions.sqlalchemy && *versions.sqlalchemy >= sqla::Version{2, 0, 0};
    for (const sqla::SessionAutocommit& a : file.session_autocommit) {
      std::string message = "creating a session with autocommit=True raises ArgumentError on SQLAlchemy 2.0 "
                            "(\"autocommit=True is no longer supported\")";
      if (!a.branch.empty()) message += " when " + a.branch;
      core::Finding& f = out.report(a.call, std::move(message));
      if (pinned_2) {
        f.severity = core::Severity::kError;
        f.notes.push_back(core::Note{a.call, "the project targets SQLAlchemy " + versions.sqlalchemy->str() +
                                                   (versions.sqlalchemy_origin.empty() ? "" : " (" + versions.sqlalchemy_origin + ")")});
      }
      std::string note = "autocommit=True passed here";
      if (!a.via.empty()) note += " (through " + a.via + ")";
      f.notes.push_back(core::Note{a.where, std::move(note)});
      // Without autocommit the session opens a transaction that needs a commit(): code written
      // for autocommit mode would lose its writes, so the deletion is never safe.
      if (a.removal.valid() && a.where.path == a.call.path) {
        f.autofix = core::Fix{"Remove `autocommit=True`", core::Applicability::kUnsafe, {core::Edit{a.removal, {}}}};
      }
    }
  }
}

}  // namespace

extern const Rule kPA204{
    {"PA204", "session-autocommit", core::Severity::kWarning, true,
     "`autocommit=True` for a Session: removed in SQLAlchemy 2.0 "
     "(ArgumentError when a Session is created)",
     "**Why.** SQLAlchemy 2.0 removed the Session's autocommit mode. "
     "`sessionmaker(autocommit=True)` still "
     "imports fine, but creating a Session from it raises "
     "`sqlalchemy.exc.ArgumentError: autocommit=True is no "
     "longer supported`, so the failure shows up on the first request. 1.4 "
     "only emits a RemovedIn20Warning when "
     "`SQLALCHEMY_WARN_20=1`. Reported as an error when the project targets "
     "SQLAlchemy 2.0.\n\n"
     "**Example.**\n```python\nSessionLocal = sessionmaker(bind=engine, "
     "autocommit=True)\n```\n\n"
     "**Not reported when** `autocommit=False` (the FastAPI tutorial's "
     "`sessionmaker(autocommit=False, "
     "autoflush=False, bind=engine)` is valid on 2.0), when the value cannot "
     "be resolved, or for "
     "`isolation_level=\"AUTOCOMMIT\"` on the engine or in "
     "`execution_options()`, which is unrelated and valid.",
     "Remove autocommit=True and use explicit `with session.begin():` blocks "
     "(or an AUTOCOMMIT isolation level on "
     "the engine for driver-level autocommit)",
     kEverywhere,
     "The Session raises on SQLAlchemy 2.0 wherever it is created: every "
     "role.",
     "Proven by the oracle on SQLAlchemy 1.4.46: "
     "`sessionmaker(autocommit=True)` warns `RemovedIn20Warning: The "
     "Session.autocommit parameter is deprecated` (with "
     "`SQLALCHEMY_WARN_20=1`); `autocommit=False` does not. The "
     "ArgumentError is SQLAlchemy 2.0's: verified from source, "
     "lib/sqlalchemy/orm/session.py:1751-1754@rel_2_0_52.",
     core::FixAvailability::kSometimes,
     "unsafe, when `autocommit=True` is written in the same file as the session factory call: "
     "without it the session begins a transaction that must be committed, so code written for "
     "autocommit mode loses its writes until `commit()` or `session.begin()` blocks are added. "
     "(`autocommit=False` is valid on 2.0 and never reported, so nothing deletes it.) None when "
     "the keyword is set in a subclass's `__init__`, stored into `**kwargs`, or written in "
     "another file."},
    check};

}  // namespace rules
