// A serverless instance (Lambda, Vercel, Cloud Functions) serves one request at a time and is
// frozen between invocations: a pooled connection kept across freeze/thaw is closed by the server
// or proxy meanwhile and the next checkout fails ("server closed the connection unexpectedly",
// facts e12/e13) unless pool_pre_ping replaces it. pool_size > 1 is never used there, and every warm
// instance holds its idle connection against the database's limit (facts PA104). A SQLite file
// has no server: nothing closes its connection while frozen and there is no connection limit.
#include "rules/common.h"
#include "rules/pool_fix.h"
#include "rules/rule.h"
#include "sqla/deployment.h"
#include "sqla/engine_uses.h"
#include "sqla/module_table.h"

namespace rules {
namespace {

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  std::optional<sqla::ModuleTable> table;  // built only when an engine would be reported
  for (const sqla::FileFacts& file : facts.files) {
    if (file.is_test || file.is_alembic_env || file.is_script) continue;
    for (const sqla::EngineSite& site : file.engines) {
      // An engine built per invocation is PA111's (engine-per-call) concern.
      if (!site.function.empty()) continue;
      for (const sqla::EngineConfig& config : site.configs) {
        if (!sqla::is_queue_pool(config.pool.kind) || config.pool.instance) continue;
        if (config.url && config.url->is_sqlite()) continue;
        std::vector<core::Note> why;
        if (sqla::runs_serverless(facts, file, config, &why) != std::optional<bool>(true)) continue;
        // Used only by Alembic's env.py, tests or scripts: the deployed function never connects.
        if (!table) table.emplace(facts);
        if (sqla::engine_used_only_outside_app(facts, *table, file, site)) continue;
        const py::Argument* ping = config.arg("pool_pre_ping");
        const bool pinged = ping && ping->value->truthy().value_or(false);
        const bool unknown = !ping && !config.complete;
        const std::string pool(sqla::pool_name(config.pool.kind));
        std::string message;
        if (pinged) {
          message = "pooled engine (" + pool + ") in a serverless deployment: an instance serves one request at a "
                    "time, so pool_size > 1 is unused, and every warm instance keeps an idle connection against "
                    "the database's connection limit";
        } else {
          message = "pooled engine (" + pool + ") in a serverless deployment" +
                    std::string(unknown ? "" : " without pool_pre_ping") +
                    ": connections kept across freeze/thaw go stale (\"server closed the connection unexpectedly\") "
                    "and every warm instance holds idle connections against the database's connection limit";
        }
        // Without the URL the pool is QueuePool unless the database is SQLite (facts PA101 item 4).
        message += assumption_suffix(config.pool);
        core::Finding& f = report_engine(out, site, config, std::move(message));
        if (pinged || unknown) f.severity = core::Severity::kInfo;
        note_pool(f, config.pool);
        // Unsafe: the instance opens a connection per checkout from now on (slower without a
        // proxy), and the sizing the user chose goes.
        if (auto edits = pool_edits(file, site, config, "sqlalchemy.pool.NullPool", nullpool_unfit_keywords())) {
          f.autofix = anchored_fix("Use `poolclass=NullPool` and drop the pool's sizing", core::Applicability::kUnsafe,
                                   *edits);
        }
        if (ping) note_argument(f, *ping, show(*ping) + " passed here");
        for (core::Note& n : why) {
          if (std::find(f.notes.begin(), f.notes.end(), n) == f.notes.end()) f.notes.push_back(std::move(n));
        }
      }
    }
  }
}

}  // namespace

extern const Rule kPA104{
    {"PA104", "serverless-pooled-engine", core::Severity::kWarning, true,
     "A pooled engine in a serverless deployment: stale connections after "
     "freeze/thaw, idle connections per instance",
     "**Why.** A serverless instance (AWS Lambda, Vercel Python functions, "
     "Google Cloud Functions) handles one "
     "request at a time and is frozen between invocations. A QueuePool keeps "
     "its connection across the freeze; the "
     "database or a proxy closes it while idle, and the next request fails "
     "with `OperationalError: server closed the "
     "connection unexpectedly` (MySQL: `MySQL server has gone away`) unless "
     "`pool_pre_ping=True` replaces it. The pool "
     "never needs more than one connection there, and each warm instance keeps "
     "one idle connection open against the "
     "database's `max_connections`.\n\n"
     "Evidence that the code runs serverless: serverless.yml functions, "
     "SAM/CloudFormation `AWS::Serverless::Function` "
     "or `AWS::Lambda::Function`, zappa_settings, `.chalice/config.json`, "
     "Terraform/CDK Lambda resources, Mangum, a "
     "module-level `lambda_handler(event, context)`, `AWS_LAMBDA_*` checks, "
     "vercel.json with Python functions in "
     "`api/`, `functions_framework`, a Lambda base image, or config "
     "`serverless = true`.\n\n"
     "**Example.**\n```python\n# serverless.yml declares functions; "
     "app/db.py:\nengine = create_engine(DATABASE_URL)\n```\n\n"
     "**Fix.** `poolclass=NullPool`, ideally behind RDS Proxy or a transaction "
     "pooler; or keep one connection and "
     "check it: `pool_size=1, max_overflow=0, pool_pre_ping=True` and "
     "`pool_recycle` below the proxy's idle timeout. "
     "Reported as info when `pool_pre_ping=True` is already set.\n\n"
     "**Not reported when** the configuration is the non-serverless branch "
     "(`if IS_LAMBDA: NullPool else: "
     "QueuePool`), the engine is created inside a function (PA111), "
     "every use of the module-level engine (its name, or a plain getter "
     "spelled with \"engine\" that returns or uses it, followed through "
     "imports) is in an Alembic env.py, a test or a script, so the deployed "
     "function never connects with it (any use in application code, a use "
     "that does not resolve or a star import of its module keeps it "
     "reported), "
     "vercel.json serves only a frontend, the URL is a SQLite file (no server "
     "to close the connection, no connection "
     "limit), the project "
     "also runs long-lived servers at the same level (Dockerfile CMD gunicorn, "
     "Procfile web) so the deployment is "
     "ambiguous, config `serverless = false`, or the pool class is unknown. An "
     "unresolved URL alone does not make it unknown: sizing keywords "
     "(`pool_size`, `max_overflow`...) rule NullPool out, and without a "
     "`poolclass` every database but a SQLite file gets a pool that keeps "
     "connections; the message then says it assumed so.",
     "Use poolclass=NullPool (behind RDS Proxy or a transaction pooler), or "
     "pool_size=1, max_overflow=0, "
     "pool_pre_ping=True and a pool_recycle below the proxy's idle timeout",
     kProductionOnly,
     "Only deployed application code runs on the serverless platform; tests, "
     "examples, scripts and migrations do not freeze and thaw with it: "
     "production only.",
     "Not run by the oracle: freeze/thaw needs a serverless runtime. Its "
     "failure, a server closing an idle pooled connection, is the one PA110 "
     "proves.",
     core::FixAvailability::kSometimes,
     "Unsafe (--unsafe-fixes), because NullPool opens a connection per checkout, which costs "
     "latency without a proxy in front of the database, and the alternative fix (one pre-pinged "
     "connection) may be the one wanted: `poolclass=NullPool` is added (or replaces the class) and "
     "the keywords NullPool refuses or ignores (`pool_size`, `max_overflow`, `pool_timeout`, "
     "`pool_use_lifo`, `pool_pre_ping`, `pool_recycle`) are removed, when all of them are written "
     "at the engine call. None when one comes from a `**` dict (often shared by several engines), "
     "settings or another module, or for an engine built by a project wrapper."},
    check};

}  // namespace rules
