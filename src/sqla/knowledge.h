#pragma once
// What SQLAlchemy's names mean: engine factories, pool classes, versions. Facts behind each entry
// are in shared/spec/sqlalchemy-facts.md.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sqla {

enum class Pool : uint8_t {
  kUnknown,                    ///< not resolved: rules stay silent
  kQueue,
  kAsyncAdaptedQueue,
  kFallbackAsyncAdaptedQueue,
  kNull,
  kStatic,
  kSingletonThread,
  kAssertion,
  kCustom,                     ///< a project's own Pool subclass
};

/// "NullPool", "QueuePool", ...
std::string_view pool_name(Pool pool);
/// The pool class a qualified name denotes (`sqlalchemy.pool.NullPool`, `sqlmodel.StaticPool`);
/// nullopt when the name is not one of SQLAlchemy's pool classes.
std::optional<Pool> pool_from_symbol(std::string_view qualified_name);
/// Pools whose connections are kept for reuse (the QueuePool family).
bool is_queue_pool(Pool pool);

enum class Factory : uint8_t { kCreateEngine, kCreateAsyncEngine, kEngineFromConfig, kAsyncEngineFromConfig };

/// The engine factory a qualified name denotes, through any re-export (sqlalchemy.engine,
/// sqlalchemy.ext.asyncio, sqlmodel).
std::optional<Factory> factory_from_symbol(std::string_view qualified_name);
std::string_view factory_name(Factory factory);
inline bool is_async_factory(Factory f) {
  return f == Factory::kCreateAsyncEngine || f == Factory::kAsyncEngineFromConfig;
}
inline bool is_from_config(Factory f) {
  return f == Factory::kEngineFromConfig || f == Factory::kAsyncEngineFromConfig;
}

/// A version such as 2.0.28.
struct Version {
  int major = 2;
  int minor = 0;
  int patch = 0;
  friend auto operator<=>(const Version&, const Version&) = default;
  std::string str() const;
  static std::optional<Version> parse(std::string_view text);
};

/// The version assumed when the project does not say: the latest 2.0.
inline constexpr Version kLatestSqlalchemy{2, 0, 999};

/// Keywords create_engine() hands to the pool when it builds one (renamed through
/// `_pool_translate_kwargs`); with `pool=<instance>` none of them is consumed.
bool is_pool_keyword(std::string_view keyword);

/// Keys engine_from_config() coerces from strings (`engine_config_types`, engine/default.py).
bool is_coerced_config_key(std::string_view key);

}  // namespace sqla

namespace sqla {

/// DBAPI drivers whose behaviour rules depend on (prepared statements, connect timeouts).
enum class Driver : uint8_t {
  kPsycopg2,          ///< postgresql, postgresql+psycopg2 (the default PostgreSQL driver)
  kPsycopg,           ///< psycopg 3: postgresql+psycopg, postgresql+psycopg_async
  kAsyncpg,
  kPg8000,
  kMysqldb,           ///< mysqlclient: mysql, mysql+mysqldb (the default MySQL driver)
  kPymysql,
  kAiomysql,
  kAsyncmy,
  kMysqlConnector,
  kMariadbConnector,
  kPysqlite,          ///< sqlite, sqlite+pysqlite
  kAiosqlite,
  kPyodbc,            ///< mssql, mssql+pyodbc
};

/// What poolaudit knows about one `dialect+driver` spelling.
struct DriverSpec {
  std::string_view dialect;      ///< "postgresql" (also matched: "postgres" for postgresql)
  std::string_view driver;       ///< "" = the dialect's default driver
  Driver kind;
  std::string_view name;         ///< "psycopg2", "asyncpg"
  std::string_view timeout_key;  ///< the connect() keyword bounding connection set-up ("" when none)
  std::string_view timeout_default;  ///< the driver's own default, "" when it waits forever
};

/// The known `dialect+driver` spellings (sqlalchemy/dialects/*/__init__.py and each driver's connect()).
std::span<const DriverSpec> driver_specs();

/// Hosted poolers recognised from the URL alone (vendor documentation, facts PA106/PA107).
inline constexpr std::string_view kSupabasePoolerSuffix = ".pooler.supabase.com";  ///< Supavisor
inline constexpr std::string_view kSupabaseLegacySuffix = ".supabase.co";          ///< db.<ref>.supabase.co
inline constexpr int kSupabaseTransactionPort = 6543;  ///< transaction mode (Supavisor / legacy PgBouncer)
inline constexpr int kSupabaseSessionPort = 5432;      ///< session mode: not a transaction pooler
inline constexpr std::string_view kNeonHostSuffix = ".neon.tech";
inline constexpr std::string_view kNeonPoolerMarker = "-pooler.";  ///< ep-...-pooler.<region>.aws.neon.tech

}  // namespace sqla
