// With pool_reset_on_return=None (or False, or 'none' from a config file) the pool does not roll
// back a connection it gets back. On SQLAlchemy 1.x the Connection does not end the DBAPI
// transaction a SELECT began either, so the connection waits in the pool "idle in transaction",
// holding locks and snapshots (facts missing rule 7, e23 on 1.4.46). 2.0's Connection emits its
// own ROLLBACK ("The above pattern will still see ROLLBACKs occur", pooling.rst), so 2.0 is
// silent. Turning the reset off is legitimate only with isolation_level="AUTOCOMMIT".
#include "core/text.h"
#include "rules/engine/engine_options.h"
#include "rules/rule.h"

namespace rules {
namespace {

/// The value turns the reset off (pool/base.py: "none", None, False).
bool disables_reset(const py::Value& v) {
  if (v.kind == py::ValueKind::kNone) return true;
  if (v.kind == py::ValueKind::kBool) return !v.boolean;
  if (v.kind == py::ValueKind::kString && !v.partial) {
    const std::string lower = core::lower(v.text);
    return lower == "none";
  }
  return false;
}

/// AUTOCOMMIT from isolation_level= or execution_options={"isolation_level": ...}; nullopt when unknown.
std::optional<bool> autocommit(const sqla::EngineConfig& config) {
  auto is_autocommit = [](const py::Value& v) -> std::optional<bool> {
    if (v.kind != py::ValueKind::kString || v.partial) return std::nullopt;
    return v.text == "AUTOCOMMIT";
  };
  if (const py::Argument* level = config.arg("isolation_level")) return is_autocommit(*level->value);
  if (const py::Argument* options = config.arg("execution_options")) {
    if (options->value->kind != py::ValueKind::kDict || !options->value->dict) return std::nullopt;
    if (const py::DictEntry* e = options->value->dict->find("isolation_level")) return is_autocommit(*e->value);
    if (!options->value->dict->complete) return std::nullopt;
  }
  if (!config.complete) return std::nullopt;
  return false;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    // The version of the file's service (its nearest dependency files), else the project's.
    const sqla::DependencyVersions& versions = sqla::versions_of(facts, file);
    if (!versions.sqlalchemy || versions.sqlalchemy->major >= 2) continue;
    std::string version = versions.sqlalchemy->str();
    if (!versions.sqlalchemy_origin.empty()) version += " (" + versions.sqlalchemy_origin + ")";
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        const py::Argument* reset = config.arg("pool_reset_on_return");
        if (!reset || !disables_reset(*reset->value)) continue;
        // NullPool closes returned connections; an Unknown pool is silence.
        if (config.pool.kind == sqla::Pool::kUnknown || config.pool.kind == sqla::Pool::kNull) continue;
        if (autocommit(config).value_or(true)) continue;
        std::string message = "connections return to the pool \"idle in transaction\": " + show(*reset) +
                              " skips the rollback and SQLAlchemy " + version +
                              " does not end the transaction a query began (holding locks and snapshots)";
        message += "; remove it, or use it only with isolation_level=\"AUTOCOMMIT\"" + assumption_suffix(config.pool);
        core::Finding& f = report_engine(out, site, config, std::move(message));
        note_argument(f, *reset, show(*reset) + " passed here");
      }
    }
  }
}

}  // namespace

extern const Rule kPA119{
    {"PA119", "reset-on-return-disabled", core::Severity::kWarning, true,
     "pool_reset_on_return=None on SQLAlchemy 1.x without AUTOCOMMIT: "
     "connections return idle in transaction",
     "**Why.** The pool's reset-on-return is what rolls back a connection when "
     "it comes back. With "
     "`pool_reset_on_return=None` (or `False`, or `none` in a config file) on "
     "SQLAlchemy 1.3/1.4, a connection "
     "that ran a SELECT goes back to the pool with its transaction open (`idle "
     "in transaction` on PostgreSQL), "
     "holding locks, snapshots and, behind PgBouncer, a server connection. "
     "SQLAlchemy 2.0's Connection rolls back "
     "on its own, so the rule is silent there (and when the version is not "
     "known).\n\n"
     "**Example.**\n```python\nengine = create_engine(url, "
     "pool_reset_on_return=None)  # SQLAlchemy 1.4\n```\n\n"
     "**Not reported when** the engine uses `isolation_level=\"AUTOCOMMIT\"` "
     "(the legitimate use), the pool is "
     "NullPool or unknown, or the project targets SQLAlchemy 2.0.",
     "Remove pool_reset_on_return, or combine it with "
     "isolation_level=\"AUTOCOMMIT\"",
     kEverywhere,
     "Connections return idle in transaction wherever the pool runs: every "
     "role.",
     "Proven by the oracle on SQLAlchemy 1.4.46, psycopg2 2.9.5 and "
     "PostgreSQL 15: after the connection goes back to the pool its backend "
     "is `idle in transaction`; with `isolation_level=\"AUTOCOMMIT\"` it is "
     "`idle`."},
    check};

}  // namespace rules
