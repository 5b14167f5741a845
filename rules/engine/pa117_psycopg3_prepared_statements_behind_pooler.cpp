// psycopg 3 prepares a query on the server after it ran `prepare_threshold`
// times (default 5) on a connection, then executes it by name (`_pg3_0`).
// Behind a transaction-mode pooler the next execution may land on another
// server connection: "psycopg.errors.InvalidSqlStatementName: prepared
// statement "_pg3_0" does not exist" (facts, missing rule 3: e21b, 5/5 failures
// with PgBouncer 1.18; 0/5 with prepare_threshold=None). Only None disables
// preparing: 0 prepares every query. Neon's PgBouncer 1.22 tracks
// protocol-level prepared statements: info there.
#include "rules/engine/engine_options.h"
#include "rules/rule.h"

namespace rules {
namespace {

/// prepare_threshold=None turns automatic preparing off (0 prepares every query).
bool disables_preparing(const py::Value& v) { return v.kind == py::ValueKind::kNone; }

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for_each_config(facts, [&](const sqla::EngineSite& site, const sqla::EngineConfig& config) {
    const auto pooler = pooler_with(facts, config, sqla::Driver::kPsycopg);
    if (!pooler) return;
    const ConnectArg threshold = connect_arg(config, "prepare_threshold");
    if (threshold.state == ConnectArg::State::kUnknown) return;
    if (threshold.entry && (disables_preparing(*threshold.entry->value) || threshold.entry->value->is_unknown())) {
      return;
    }
    const bool fixed_elsewhere = fixed_in_other_branch(site, config, [](const sqla::EngineConfig& other) {
      const ConnectArg t = connect_arg(other, "prepare_threshold");
      return t.entry && disables_preparing(*t.entry->value);
    });
    if (fixed_elsewhere) return;
    std::string message = "psycopg 3 through " + pooler->what + " prepares queries after 5 runs and then " +
                          (pooler->tracks_prepared ? "may fail" : "fails") +
                          " on another server connection "
                          "(psycopg.errors.InvalidSqlStatementName: prepared "
                          "statement \"_pg3_0\" does not exist)";
    if (threshold.entry) {
      message += ": prepare_threshold=" + threshold.entry->value->render() + " still prepares; use None";
    } else {
      message += ": connect_args lacks prepare_threshold=None";
    }
    core::Finding& f = report_prepared(out, site, config, *pooler, std::move(message));
    if (threshold.entry)
      f.notes.push_back(core::Note{threshold.entry->where, "prepare_threshold set here"});
    else if (threshold.connect_args)
      note_argument(f, *threshold.connect_args, "connect_args passed here");
  });
}

}  // namespace

extern const Rule kPA117{
    {"PA117", "psycopg3-prepared-statements-behind-pooler",
     core::Severity::kWarning, true,
     "psycopg 3 through a transaction-mode pooler without "
     "connect_args={\"prepare_threshold\": None}",
     "**Why.** psycopg 3 prepares a statement on the server once a query has "
     "run `prepare_threshold` times (5 by "
     "default) on a connection, then executes it by name. A transaction-mode "
     "pooler may run the next transaction "
     "on another server connection, where the name is unknown: "
     "`psycopg.errors.InvalidSqlStatementName: prepared "
     "statement \"_pg3_0\" does not exist`. Whether it happens depends on "
     "timing, so it shows up under load.\n\n"
     "**Example.**\n```python\nengine = "
     "create_engine(\"postgresql+psycopg://"
     "app@aws-0-eu-west-1.pooler.supabase.com:"
     "6543/postgres\")\n```\n\n"
     "**Fix.** `create_engine(url, poolclass=NullPool, "
     "connect_args={\"prepare_threshold\": None})`. `0` does not "
     "help: it prepares every query.\n\n"
     "**Severity.** Info for Neon `-pooler` hosts: Neon runs PgBouncer 1.22, "
     "which tracks prepared statements.\n\n"
     "**Not reported when** the URL is a direct connection, Supabase's session "
     "pooler (port 5432) or a pooler of "
     "unknown mode, or when `connect_args` cannot be resolved.",
     "Pass connect_args={\"prepare_threshold\": None}", kDeployedCode,
     "The application, its scripts and its migrations connect through the "
     "project's pooler; tests use a local database and examples are not "
     "deployed: production, script and migration files.",
     "Proven by the oracle at the driver level on psycopg 3.1.7, PgBouncer "
     "1.18 (transaction mode) and PostgreSQL 15: a query run 5 times is "
     "prepared and then fails on another server connection with `prepared "
     "statement \"_pg3_0\" does not exist`; with `prepare_threshold=None` it "
     "runs. The `postgresql+psycopg` dialect is SQLAlchemy 2.0's (Debian "
     "ships 1.4.46), so the SQLAlchemy programs are audited only; "
     "create_engine() passes `connect_args` to the driver's connect() "
     "(lib/sqlalchemy/engine/create.py@rel_2_0_52, verified from source)."},
    check};

}  // namespace rules
