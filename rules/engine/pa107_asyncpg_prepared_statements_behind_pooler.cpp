// SQLAlchemy's asyncpg dialect always prepares *named* statements, and asyncpg
// names them from a per-process counter (`__asyncpg_stmt_1__`). A
// transaction-mode pooler gives the next transaction another server connection,
// or gives this one to another process (or to the app after a restart):
// "prepared statement ... already exists / does not exist". Experiments (facts
// PA107, e11): only statement_cache_size=0 + prepared_statement_cache_size=0 +
// prepared_statement_name_func was clean in every scenario; the name func
// exists from SQLAlchemy 2.0.10 (commit 244c297682), so 1.4 and 2.0.0-2.0.9
// have no complete client-side fix. Neon runs PgBouncer 1.22, which tracks
// protocol-level prepared statements: info there. pool_pre_ping itself broke
// behind PgBouncer transaction mode in 2.0.0-2.0.20 (#10226, fixed in 2.0.21).
#include <vector>

#include "rules/engine/engine_options.h"
#include "rules/rule.h"

namespace rules {
namespace {

constexpr sqla::Version kNameFunc{2, 0, 10};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

/// The pieces of the fix a configuration lacks; nullopt when connect_args cannot be resolved.
std::optional<std::vector<std::string>> missing_pieces(const sqla::EngineConfig& config, const sqla::DatabaseUrl& url) {
  std::vector<std::string> missing;
  bool unknown = false;
  auto need_zero = [&](std::string_view key) {
    // prepared_statement_cache_size is also read from the URL query (asyncpg.py).
    if (key == "prepared_statement_cache_size") {
      if (auto q = url.query_param(key); q && *q == "0") return;
    }
    const ConnectArg a = connect_arg(config, key);
    if (a.state == ConnectArg::State::kUnknown || (a.entry && a.entry->value->is_unknown())) {
      unknown = true;
    } else if (!a.entry || !is_zero(*a.entry->value)) {
      missing.push_back(std::string(key) + "=0");
    }
  };
  need_zero("statement_cache_size");
  need_zero("prepared_statement_cache_size");
  const ConnectArg name_func = connect_arg(config, "prepared_statement_name_func");
  if (name_func.state == ConnectArg::State::kUnknown) unknown = true;
  if (name_func.state != ConnectArg::State::kPresent) missing.push_back("prepared_statement_name_func");
  if (unknown) return std::nullopt;
  return missing;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for_each_file_config(facts, [&](const sqla::FileFacts& file, const sqla::EngineSite& site,
                                  const sqla::EngineConfig& config) {
    const sqla::Version version = sqla::versions_of(facts, file).sqlalchemy_or_latest();
    const bool fixable = version >= kNameFunc;
    const auto pooler = pooler_with(facts, config, sqla::Driver::kAsyncpg);
    if (!pooler) return;
    const sqla::DatabaseUrl& url = *literal_url(config);
    const auto pieces = missing_pieces(config, url);
    if (!pieces || (pieces->empty() && fixable)) return;
    const bool fixed_elsewhere = fixed_in_other_branch(site, config, [&](const sqla::EngineConfig& other) {
      const auto p = missing_pieces(other, url);
      return p && p->empty();
    });
    if (fixed_elsewhere) return;
    const std::vector<std::string>& missing = *pieces;
    std::string message = "asyncpg through " + pooler->what + (pooler->tracks_prepared ? " may fail" : " fails") +
                          " with DuplicatePreparedStatementError / InvalidSQLStatementNameError (prepared "
                          "statement \"__asyncpg_stmt_1__\" already exists / does not exist) once server "
                          "connections are shared";
    if (fixable) {
      message += ": connect_args lacks " + join(missing);
    } else {
      message += ": SQLAlchemy " + version.str() +
                 " has no complete client-side fix (prepared_statement_name_func needs 2.0.10+)";
      std::vector<std::string> caches = missing;
      std::erase(caches, std::string("prepared_statement_name_func"));
      if (!caches.empty()) message += "; connect_args also lacks " + join(caches);
      message += "; use session mode, PgBouncer 1.21+ with max_prepared_statements, or psycopg2";
    }
    core::Finding& f = report_prepared(out, site, config, *pooler, std::move(message));
    if (const py::Argument* args = config.arg("connect_args")) note_argument(f, *args, "connect_args passed here");
    const py::Argument* ping = config.arg("pool_pre_ping");
    if (ping && option_on(*ping->value).value_or(false) && version >= sqla::Version{2, 0, 0} &&
        version < sqla::Version{2, 0, 21}) {
      note_argument(f, *ping,
                    "pool_pre_ping itself fails behind PgBouncer transaction mode on SQLAlchemy 2.0.0-2.0.20 "
                    "(fixed in 2.0.21)");
    }
  });
}

}  // namespace

extern const Rule kPA107{
    {"PA107", "asyncpg-prepared-statements-behind-pooler",
     core::Severity::kError, true,
     "asyncpg through a transaction-mode pooler without all three "
     "prepared-statement settings",
     "**Why.** SQLAlchemy's asyncpg dialect prepares named statements, and "
     "asyncpg names them from a per-process "
     "counter (`__asyncpg_stmt_1__`). A transaction-mode pooler hands the next "
     "transaction another server "
     "connection, or hands this one to another process or to the restarted "
     "app:\n"
     "`asyncpg.exceptions.DuplicatePreparedStatementError: prepared statement "
     "\"__asyncpg_stmt_1__\" already exists` "
     "and `InvalidSQLStatementNameError: ... does not exist`. Setting "
     "`statement_cache_size=0` alone, or both cache "
     "sizes, still fails with several processes or a restart; only all three "
     "settings were clean in every "
     "scenario:\n"
     "```python\nengine = create_async_engine(url, poolclass=NullPool, "
     "connect_args={\n"
     "    \"statement_cache_size\": 0,\n    \"prepared_statement_cache_size\": "
     "0,\n"
     "    \"prepared_statement_name_func\": lambda: "
     "f\"__asyncpg_{uuid4()}__\",\n})\n```\n"
     "`prepared_statement_name_func` exists from SQLAlchemy 2.0.10: on 1.4 "
     "there is no complete client-side fix "
     "(use session mode, PgBouncer 1.21+ with `max_prepared_statements`, or "
     "psycopg2). On 2.0.0-2.0.20 "
     "`pool_pre_ping` itself also failed behind PgBouncer transaction mode "
     "(fixed in 2.0.21).\n\n"
     "**Severity.** Info for Neon `-pooler` hosts: Neon runs PgBouncer 1.22, "
     "which tracks prepared statements.\n\n"
     "**Not reported when** the URL is a direct connection, Supabase's session "
     "pooler (port 5432) or a pooler of "
     "unknown mode, when `connect_args` cannot be resolved, or when all three "
     "settings are present (2.0.10+).",
     "Pass statement_cache_size=0, prepared_statement_cache_size=0 and "
     "prepared_statement_name_func in connect_args",
     kDeployedCode,
     "The application, its scripts and its migrations connect through the "
     "project's pooler; tests use a local database and examples are not "
     "deployed: production, script and migration files.",
     "Proven by the oracle on SQLAlchemy 1.4.46, asyncpg 0.27, PgBouncer "
     "1.18 (transaction mode) and PostgreSQL 15: the restarted app fails "
     "with `prepared statement \"__asyncpg_stmt_N__\" already exists`, also "
     "with `statement_cache_size=0` and `prepared_statement_cache_size=0`; "
     "the same app connected directly runs twice. The complete fix needs "
     "`prepared_statement_name_func`, SQLAlchemy 2.0.10+: verified from "
     "source, "
     "lib/sqlalchemy/dialects/postgresql/asyncpg.py:935-957@rel_2_0_52."},
    check};

}  // namespace rules
