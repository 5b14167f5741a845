// `recycle` is a base Pool.__init__ parameter, so NullPool accepts pool_recycle silently; the
// recycle check runs only when a pooled record is checked out again, which NullPool never does
// (facts PA103). pool_recycle=-1 is SQLAlchemy's "off". Flask-SQLAlchemy 3 injects
// pool_recycle=7200 on every MySQL engine: only a keyword the user wrote is a finding.
#include "rules/common.h"
#include "rules/fixes.h"
#include "rules/rule.h"

namespace rules {
namespace {

/// pool_recycle set to a number of seconds (>= 0); -1 (off) and unknown values are not.
bool recycles(const py::Value& v) {
  if (v.kind == py::ValueKind::kInt) return v.integer >= 0;
  if (v.kind == py::ValueKind::kFloat) return v.real >= 0;
  return false;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        if (config.pool.kind != sqla::Pool::kNull || config.pool.instance) continue;
        const py::Argument* recycle = config.arg("pool_recycle");
        if (!recycle || !recycles(*recycle->value)) continue;
        std::string message = show(*recycle) +
                              " has no effect with NullPool: connections are closed on return and never reused, "
                              "so none lives long enough to be recycled";
        if (!config.pool.explicit_class) message += "; NullPool is " + config.pool.how;
        core::Finding& f = report_engine(out, site, config, std::move(message));
        note_argument(f, *recycle, show(*recycle) + " passed here");
        note_pool(f, config.pool);
        // Dead with NullPool: deleting it changes nothing, unless another branch pools connections.
        f.autofix = engine_arguments_fix(facts, file, site, {recycle}, [](const sqla::EngineConfig& other, const py::Argument&) {
          return other.pool.kind == sqla::Pool::kNull && !other.pool.instance;
        });
      }
    }
  }
}

}  // namespace

extern const Rule kPA103{
    {"PA103", "nullpool-recycle", core::Severity::kInfo, true,
     "pool_recycle with NullPool: connections are never reused, so nothing is "
     "recycled",
     "**Why.** NullPool closes every connection when it is returned and opens "
     "a new one on the next checkout. "
     "`pool_recycle` only acts when a pooled connection is checked out again "
     "after the given age, so with NullPool "
     "it is accepted silently and does nothing. It usually means the engine "
     "was meant to pool connections, or the "
     "option was copied from another engine's settings.\n\n"
     "**Example.**\n```python\nengine = create_engine(url, poolclass=NullPool, "
     "pool_recycle=300)\n```\n\n"
     "**Not reported when** `pool_recycle=-1` (SQLAlchemy's \"off\"), when the "
     "value is not a known number, when "
     "the recycle sits in another branch than the NullPool, for other pool "
     "classes, or for the "
     "`pool_recycle=7200` Flask-SQLAlchemy adds to MySQL engines by itself.",
     "Remove pool_recycle, or use a pooled engine (QueuePool) if connections "
     "should be reused",
     kEverywhere,
     "The option is dead wherever it is written, and examples teach it: every "
     "role.",
     "Not run by the oracle: nothing fails, the option is unused. Verified "
     "from source: `recycle` is a `Pool.__init__` parameter "
     "(lib/sqlalchemy/pool/base.py:171@rel_2_0_52) checked only when a "
     "pooled connection is checked out again.",
     core::FixAvailability::kSometimes,
     "safe when `pool_recycle` is written at the engine call (or in a dict only that call reads: `OPTS = {...}` whose one read is the call's `**OPTS`, in a module no other file imports) and every branch of the call that "
     "passes it uses NullPool: the option does nothing there, so deleting it changes nothing. "
     "Unsafe when it comes from a dict other code of the file reads, a module other files import, or through a project wrapper "
     "(other engines built from it may pool connections) or when another branch pools "
     "connections. None when it is written in another file."},
    check};

}  // namespace rules
