// NullPool builds a new connection record on every checkout, and since 1.4.0b1 the pool skips
// the pre-ping for a fresh record (pool/base.py `connection_is_fresh`, ticket #4524), so the
// ping never runs. 1.3.24 pings unconditionally: one useless round trip per checkout (facts PA102).
// StaticPool / SingletonThreadPool reuse connections, so their pre-ping does run.
#include "core/text.h"
#include "rules/common.h"
#include "rules/fixes.h"
#include "rules/rule.h"

namespace rules {
namespace {

/// A value that turns pre-ping on: True, a non-zero number, or a 'true' string from a config
/// dict ('false' strings are truthy too, but that trap is PA116's).
bool turns_on(const py::Value& v) {
  if (v.kind == py::ValueKind::kString) {
    if (v.partial) return false;
    const std::string lower = core::lower(v.text);
    return lower == "true" || lower == "1" || lower == "yes" || lower == "on";
  }
  if (v.kind != py::ValueKind::kBool && v.kind != py::ValueKind::kInt) return false;
  return v.truthy().value_or(false);
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    const std::optional<sqla::Version>& version = sqla::versions_of(facts, file).sqlalchemy;
    const bool pings_fresh = version && *version < sqla::Version{1, 4, 0};
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        if (config.pool.kind != sqla::Pool::kNull || config.pool.instance) continue;
        const py::Argument* ping = config.arg("pool_pre_ping");
        if (!ping || !turns_on(*ping->value)) continue;
        std::string message;
        if (pings_fresh) {
          message = "pool_pre_ping costs a useless round trip on every checkout: with NullPool each checkout opens a "
                    "new connection, and SQLAlchemy " + version->str() +
                    " pings it anyway (1.4 and later skip the ping for new connections)";
        } else {
          message = "pool_pre_ping has no effect with NullPool: every checkout opens a new connection, and SQLAlchemy "
                    "skips the ping for new connections";
        }
        if (!config.pool.explicit_class) message += "; NullPool is " + config.pool.how;
        core::Finding& f = report_engine(out, site, config, std::move(message));
        if (pings_fresh) f.severity = core::Severity::kWarning;
        note_argument(f, *ping, show(*ping) + " passed here");
        note_pool(f, config.pool);
        // Dead with NullPool: deleting it changes nothing, unless another branch pools connections.
        f.autofix = engine_arguments_fix(facts, file, site, {ping}, [](const sqla::EngineConfig& other, const py::Argument&) {
          return other.pool.kind == sqla::Pool::kNull && !other.pool.instance;
        });
      }
    }
  }
}

}  // namespace

extern const Rule kPA102{
    {"PA102", "nullpool-pre-ping", core::Severity::kInfo, true,
     "pool_pre_ping with NullPool: the ping never runs (1.3: a useless round "
     "trip per checkout)",
     "**Why.** NullPool opens a new DBAPI connection on every checkout and "
     "closes it on return. Since "
     "SQLAlchemy 1.4.0b1 the pool skips the pre-ping for a connection it has "
     "just opened (\"Connection ... is "
     "fresh, skipping pre-ping\"), so with NullPool `pool_pre_ping=True` never "
     "pings: it only suggests a "
     "protection against stale connections that is not needed. On SQLAlchemy "
     "1.3 the ping runs on every checkout "
     "of the brand-new connection: one extra round trip per checkout (reported "
     "as a warning there).\n\n"
     "**Example.**\n```python\nengine = create_engine(url, poolclass=NullPool, "
     "pool_pre_ping=True)\n```\n\n"
     "**Not reported when** the pool is StaticPool or SingletonThreadPool "
     "(their connections are reused, so the "
     "ping does run), when `pool_pre_ping` is false or not a literal, when the "
     "pre-ping sits in another branch "
     "than the NullPool, or when the pool class cannot be resolved.",
     "Remove pool_pre_ping, or use a pooled engine (QueuePool) if connections "
     "should be reused",
     kEverywhere,
     "The option is dead wherever it is written, and examples teach it: every "
     "role.",
     "Not run by the oracle: nothing fails, the option is redundant. "
     "Verified from source: lib/sqlalchemy/pool/base.py:1299-1324@rel_2_0_52"
     " skips the ping for a connection that was just created (since "
     "1.4.0b1).",
     core::FixAvailability::kSometimes,
     "safe when `pool_pre_ping` is written at the engine call (or in a dict only that call reads: `OPTS = {...}` whose one read is the call's `**OPTS`, in a module no other file imports) and every branch of the call that "
     "passes it uses NullPool: the option does nothing there, so deleting it changes nothing. "
     "Unsafe when it comes from a dict other code of the file reads, a module other files import, or through a project wrapper "
     "(other engines built from it may pool connections) or when another branch pools "
     "connections. None when it is written in another file."},
    check};

}  // namespace rules
