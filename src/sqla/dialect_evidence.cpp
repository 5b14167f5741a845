// Inferring the database from project evidence (issue 13, cause 2). An engine whose URL comes from
// the environment still talks to the database the project installs a driver for and runs in its
// compose file; when all of the project's evidence names one database family, rules about that
// family can speak, saying that the database is inferred. Several families (a project supporting
// PostgreSQL and MySQL, SQLite for development) give no inference: the rule of silence.
#include "sqla/dialect_evidence.h"

#include <algorithm>
#include <set>

#include "core/source_file.h"
#include "core/text.h"
#include "py/grammar.h"
#include "sqla/facts.h"
#include "sqla/url.h"
#include "ts/tree.h"

namespace sqla {
namespace {

struct DriverPackage {
  std::string_view package;  ///< PEP 503 normalised distribution name
  std::string_view family;
  std::string_view driver;   ///< SQLAlchemy's name for it in a URL (`mysql+pymysql`)
};

// Distributions that install a DB-API driver SQLAlchemy has a dialect for (SQLAlchemy's dialect
// documentation, "DBAPI" sections). pyodbc and aioodbc reach any ODBC database but SQLAlchemy's
// ODBC dialect in practice is SQL Server's (mssql+pyodbc).
constexpr DriverPackage kDriverPackages[] = {
    {"psycopg2", "postgresql", "psycopg2"},     {"psycopg2-binary", "postgresql", "psycopg2"},
    {"psycopg2cffi", "postgresql", "psycopg2cffi"}, {"psycopg", "postgresql", "psycopg"},
    {"psycopg-binary", "postgresql", "psycopg"}, {"psycopg-c", "postgresql", "psycopg"},
    {"asyncpg", "postgresql", "asyncpg"},       {"pg8000", "postgresql", "pg8000"},
    {"pymysql", "mysql", "pymysql"},            {"mysqlclient", "mysql", "mysqldb"},
    {"mysql-connector-python", "mysql", "mysqlconnector"}, {"aiomysql", "mysql", "aiomysql"},
    {"asyncmy", "mysql", "asyncmy"},            {"mariadb", "mysql", "mariadbconnector"},
    {"aiosqlite", "sqlite", "aiosqlite"},       {"cx-oracle", "oracle", "cx_oracle"},
    {"oracledb", "oracle", "oracledb"},         {"pyodbc", "mssql", "pyodbc"},
    {"pymssql", "mssql", "pymssql"},            {"aioodbc", "mssql", "aioodbc"},
};

constexpr std::string_view kAsyncDrivers[] = {"asyncpg", "aiomysql", "asyncmy", "aiosqlite", "aioodbc",
                                              "psycopg"};  // psycopg 3 serves both

/// pydantic's DSN types and the database they validate.
constexpr std::pair<std::string_view, std::string_view> kDsnTypes[] = {
    {"PostgresDsn", "postgresql"}, {"CockroachDsn", "postgresql"}, {"MySQLDsn", "mysql"},
    {"MariaDBDsn", "mysql"}};

bool is_async_driver(std::string_view driver) {
  return std::find(std::begin(kAsyncDrivers), std::end(kAsyncDrivers), driver) != std::end(kAsyncDrivers);
}

bool is_sync_driver(std::string_view driver) {
  return driver == "psycopg" || !is_async_driver(driver);
}

std::string at(const core::Location& where) {
  if (where.path.empty()) return "?";
  if (!where.valid()) return where.path;
  return where.path + ":" + std::to_string(where.range.begin.line);
}

/// "postgresql+asyncpg" -> a clue; empty family when the text names no known dialect.
DialectClue clue_from_drivername(std::string_view name, std::string what, core::Location where) {
  DialectClue clue;
  const size_t plus = name.find('+');
  clue.family = dialect_family(core::lower(name.substr(0, plus)));
  if (clue.family.empty()) return clue;
  if (plus != std::string_view::npos) clue.driver = core::lower(name.substr(plus + 1));
  clue.what = std::move(what);
  clue.where = std::move(where);
  return clue;
}

DialectClue clue_from_url(const DatabaseUrl& url, std::string what, core::Location where) {
  if (url.dialect.find('{') != std::string::npos) return {};
  DialectClue clue;
  clue.family = dialect_family(url.dialect);
  if (clue.family.empty()) return clue;
  if (url.driver.find('{') == std::string::npos) clue.driver = url.driver;
  clue.what = std::move(what);
  clue.where = std::move(where);
  return clue;
}

/// The text of a string literal without interpolations; nullopt for an f-string with fields.
std::optional<std::string> plain_string(ts::Node node, std::string_view src) {
  if (py::kind_of(node) != py::Kind::kString) return std::nullopt;
  std::string text;
  for (uint32_t i = 0; i < node.child_count(); ++i) {
    const ts::Node c = node.child(i);
    const py::Kind k = py::kind_of(c);
    if (k == py::Kind::kStringContent) text.append(c.text(src));
    else if (k == py::Kind::kInterpolation) return std::nullopt;
  }
  return text;
}

/// The last dotted component of a callee: "sa.engine.URL.create" -> "create".
std::string_view last_name(std::string_view callee) {
  const size_t dot = callee.rfind('.');
  return dot == std::string_view::npos ? callee : callee.substr(dot + 1);
}

/// `URL.create("mysql+pymysql", ...)`, `URL(drivername=...)`, `X.build(scheme="postgresql", ...)`.
void call_clue(ts::Node call, const core::SourceFile& source, std::vector<DialectClue>& out) {
  const std::string_view src = source.text();
  const std::string_view callee = py::field(call, py::Field::kFunction).text(src);
  const std::string_view last = last_name(callee);
  const bool url_create = (last == "create" && callee.find("URL") != std::string_view::npos) || last == "URL";
  const bool build = last == "build";
  if (!url_create && !build) return;
  const ts::Node args = py::field(call, py::Field::kArguments);
  for (uint32_t i = 0; i < args.named_child_count(); ++i) {
    const ts::Node a = args.named_child(i);
    ts::Node value;
    if (py::kind_of(a) == py::Kind::kKeywordArgument) {
      const std::string_view key = py::field(a, py::Field::kName).text(src);
      if ((url_create && key == "drivername") || (build && key == "scheme")) value = py::field(a, py::Field::kValue);
    } else if (i == 0 && url_create) {
      value = a;
    }
    if (!value) continue;
    const auto text = plain_string(value, src);
    if (!text) return;
    DialectClue clue = clue_from_drivername(
        *text, std::string(callee) + "(" + std::string(build ? "scheme=" : "") + "\"" + *text + "\")",
        source.location(call.start_byte(), call.end_byte()));
    if (!clue.family.empty()) out.push_back(std::move(clue));
    return;
  }
}

}  // namespace

std::string dialect_family(std::string_view dialect) {
  if (dialect == "postgresql" || dialect == "postgres" || dialect == "cockroachdb") return "postgresql";
  if (dialect == "mysql" || dialect == "mariadb") return "mysql";
  for (std::string_view d : {"sqlite", "oracle", "mssql", "redshift", "snowflake", "bigquery", "clickhouse"}) {
    if (dialect == d) return std::string(d);
  }
  return {};
}

DialectClue driver_package(std::string_view normalized_name) {
  for (const DriverPackage& p : kDriverPackages) {
    if (p.package == normalized_name) {
      return DialectClue{std::string(p.family), std::string(p.driver), "the dependency " + std::string(p.package), {}};
    }
  }
  return {};
}

std::string image_family(std::string_view image) {
  // "postgres:16", "docker.io/library/mysql:8.0", "bitnami/mariadb", "postgis/postgis",
  // "timescale/timescaledb" (PostgreSQL extensions); the repository name decides, not the tag.
  std::string name = core::lower(image.substr(0, image.find(':')));
  const size_t slash = name.rfind('/');
  const std::string repo = slash == std::string::npos ? name : name.substr(slash + 1);
  if (repo.find("pgbouncer") != std::string::npos || repo.find("pgadmin") != std::string::npos ||
      repo.find("adminer") != std::string::npos || repo.find("phpmyadmin") != std::string::npos ||
      repo.find("exporter") != std::string::npos) {
    return {};
  }
  if (repo == "postgres" || repo == "postgresql" || repo == "postgis" || repo.rfind("timescaledb", 0) == 0 ||
      repo.rfind("postgres-", 0) == 0) {
    return "postgresql";
  }
  if (repo == "mysql" || repo == "mysql-server" || repo == "mariadb" || repo == "percona-server") return "mysql";
  if (repo == "mssql-server" || repo == "azure-sql-edge") return "mssql";
  return {};
}

std::string DialectInference::driver(bool is_async) const {
  std::set<std::string> drivers;
  const std::string f = family();
  if (f.empty()) return {};
  for (const DialectClue& c : clues) {
    if (c.driver.empty()) continue;
    if (is_async ? is_async_driver(c.driver) : is_sync_driver(c.driver)) drivers.insert(c.driver);
  }
  return drivers.size() == 1 ? *drivers.begin() : std::string();
}

std::string DialectInference::summary(size_t limit) const {
  std::string out;
  size_t shown = 0;
  for (const DialectClue& c : clues) {
    if (shown == limit) {
      out += ", ...";
      break;
    }
    out += (out.empty() ? "" : ", ") + c.what + " (" + at(c.where) + ")";
    ++shown;
  }
  return out;
}

std::vector<DialectClue> python_dialect_clues(const core::SourceFile& source, ts::Node root) {
  std::vector<DialectClue> out;
  const std::string_view src = source.text();
  const bool calls = src.find("URL") != std::string_view::npos || src.find(".build(") != std::string_view::npos;
  const bool dsn = src.find("Dsn") != std::string_view::npos;
  if (!calls && !dsn) return out;
  std::set<std::string> dsn_seen;
  ts::walk_preorder(root, [&](ts::Node node) {
    const py::Kind k = py::kind_of(node);
    if (k == py::Kind::kImportFromStatement || k == py::Kind::kImportStatement) return false;
    if (k == py::Kind::kCall && calls) call_clue(node, source, out);
    if (k == py::Kind::kIdentifier && dsn) {
      const std::string_view name = node.text(src);
      for (const auto& [type, family] : kDsnTypes) {
        if (name != type || !dsn_seen.insert(std::string(type)).second) continue;
        out.push_back(DialectClue{std::string(family), {}, "pydantic " + std::string(type),
                                  source.location(node.start_byte(), node.end_byte())});
      }
    }
    return true;
  });
  return out;
}

DialectInference infer_dialect(const ProjectFacts& facts) {
  DialectInference inference;
  auto add = [&](DialectClue clue) {
    if (!clue.family.empty()) inference.clues.push_back(std::move(clue));
  };
  for (const Dependency& d : facts.context.dependencies) {
    DialectClue clue = driver_package(d.name);
    clue.where = d.where;
    add(std::move(clue));
  }
  for (const Evidence& e : facts.deployment.database_servers) {
    add(DialectClue{image_family(e.what), {}, "docker-compose image " + e.what, e.where});
  }
  for (const EnvVariable& v : facts.deployment.env) {
    if (auto url = parse_database_url(v.value, v.value.find("${") != std::string::npos)) {
      add(clue_from_url(*url, v.name + " names " + url->dialect + (url->driver.empty() ? "" : "+" + url->driver),
                        v.where));
    }
  }
  for (const IniFile& ini : facts.ini_files) {
    if (ini.role == core::FileRole::kTest || ini.role == core::FileRole::kExample) continue;
    for (const IniEntry& e : ini.entries) {
      if (e.key != "sqlalchemy.url") continue;
      if (auto url = parse_database_url(e.value, e.value.find('%') != std::string::npos)) {
        add(clue_from_url(*url, "sqlalchemy.url names " + url->dialect, e.where));
      }
    }
  }
  for (const FileFacts& f : facts.files) {
    // Tests often run SQLite or a throw-away container; examples show any database.
    if (f.role == core::FileRole::kTest || f.role == core::FileRole::kExample) continue;
    for (const UrlLiteral& u : f.url_literals) {
      add(clue_from_url(u.url, std::string(u.url.partial ? "a URL template for " : "a URL for ") + u.url.dialect +
                                   (u.url.driver.empty() ? "" : "+" + u.url.driver),
                        u.where));
    }
    for (const DialectClue& c : f.dialect_clues) add(c);
  }
  std::set<std::string> families;
  for (const DialectClue& c : inference.clues) families.insert(c.family);
  inference.families.assign(families.begin(), families.end());
  return inference;
}

void apply_inferred_dialect(EngineConfig& config, const FileFacts& file, const DialectInference& inference,
                            const ProjectContext& /*context*/) {
  if (config.url && !config.url->dialect.empty() && config.url->dialect.find('{') == std::string::npos) return;
  if (file.role == core::FileRole::kTest || file.role == core::FileRole::kExample) return;
  const std::string family = inference.family();
  if (family.empty()) return;
  config.inferred_family = family;
  config.inferred_driver = inference.driver(config.is_async);
  config.inferred_from = inference.summary();
  // A pool assumed without the URL holds for "any database but SQLite" (pool_assumption.h); when
  // the project's only database is SQLite, that assumption is the one case it excludes.
  if (family == "sqlite" && config.pool.assumed) config.pool = PoolChoice{};
}

Pool inferred_pool(const EngineConfig& config) {
  if (config.pool.kind != Pool::kUnknown) return config.pool.kind;
  if (config.inferred_family.empty() || config.inferred_family == "sqlite" || !config.complete) return Pool::kUnknown;
  // Without a URL choose_pool stays silent; with the family known, the pool is the default every
  // dialect but SQLite gets: QueuePool, AsyncAdaptedQueuePool for an asyncio engine. An unknown
  // poolclass or pool= value keeps it unknown.
  if (const py::Argument* pool = config.arg("pool"); pool && pool->value->kind != py::ValueKind::kNone) {
    return Pool::kUnknown;
  }
  if (const py::Argument* cls = config.arg("poolclass"); cls && cls->value->kind != py::ValueKind::kNone) {
    return Pool::kUnknown;
  }
  return config.is_async ? Pool::kAsyncAdaptedQueue : Pool::kQueue;
}

std::string inference_note(const EngineConfig& config) {
  if (config.inferred_family.empty()) return {};
  return "the URL is not resolved; the project's evidence names only " + config.inferred_family +
         (config.inferred_driver.empty() ? "" : " (driver " + config.inferred_driver + ")") + ": " +
         config.inferred_from;
}

}  // namespace sqla
