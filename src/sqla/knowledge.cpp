#include "sqla/knowledge.h"

#include <array>
#include <charconv>
#include <utility>

#include "core/text.h"

namespace sqla {
namespace {

using core::last_component;

bool from_sqlalchemy(std::string_view name) {
  return name.rfind("sqlalchemy.", 0) == 0 || name.rfind("sqlmodel.", 0) == 0;
}

constexpr std::array<std::pair<std::string_view, Pool>, 7> kPools = {{
    {"QueuePool", Pool::kQueue},
    {"AsyncAdaptedQueuePool", Pool::kAsyncAdaptedQueue},
    {"FallbackAsyncAdaptedQueuePool", Pool::kFallbackAsyncAdaptedQueue},
    {"NullPool", Pool::kNull},
    {"StaticPool", Pool::kStatic},
    {"SingletonThreadPool", Pool::kSingletonThread},
    {"AssertionPool", Pool::kAssertion},
}};

}  // namespace

std::string_view pool_name(Pool pool) {
  for (const auto& [name, p] : kPools) {
    if (p == pool) return name;
  }
  return pool == Pool::kCustom ? "a custom pool class" : "an unknown pool";
}

std::optional<Pool> pool_from_symbol(std::string_view qualified_name) {
  if (!from_sqlalchemy(qualified_name)) return std::nullopt;
  const std::string_view last = last_component(qualified_name);
  for (const auto& [name, p] : kPools) {
    if (name == last) return p;
  }
  return std::nullopt;
}

bool is_queue_pool(Pool pool) {
  return pool == Pool::kQueue || pool == Pool::kAsyncAdaptedQueue ||
         pool == Pool::kFallbackAsyncAdaptedQueue;
}

std::optional<Factory> factory_from_symbol(std::string_view qualified_name) {
  if (!from_sqlalchemy(qualified_name)) return std::nullopt;
  const std::string_view last = last_component(qualified_name);
  if (last == "create_engine") return Factory::kCreateEngine;
  if (last == "create_async_engine") return Factory::kCreateAsyncEngine;
  if (last == "engine_from_config") return Factory::kEngineFromConfig;
  if (last == "async_engine_from_config") return Factory::kAsyncEngineFromConfig;
  return std::nullopt;
}

std::string_view factory_name(Factory factory) {
  switch (factory) {
    case Factory::kCreateEngine: return "create_engine";
    case Factory::kCreateAsyncEngine: return "create_async_engine";
    case Factory::kEngineFromConfig: return "engine_from_config";
    case Factory::kAsyncEngineFromConfig: return "async_engine_from_config";
  }
  return "create_engine";
}

std::string Version::str() const {
  if (patch == kLatestSqlalchemy.patch) return std::to_string(major) + "." + std::to_string(minor);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::optional<Version> Version::parse(std::string_view text) {
  Version v{0, 0, 0};
  int* parts[] = {&v.major, &v.minor, &v.patch};
  size_t i = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (i < 3 && p < end) {
    auto [next, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc()) break;
    ++i;
    p = next;
    if (p < end && *p == '.') ++p;
    else break;
  }
  if (i == 0) return std::nullopt;
  return v;
}

bool is_pool_keyword(std::string_view keyword) {
  static constexpr std::array<std::string_view, 10> kKeywords = {
      "pool_size", "max_overflow", "pool_timeout", "pool_use_lifo", "pool_recycle", "pool_pre_ping",
      "pool_reset_on_return", "pool_logging_name", "pool_events", "echo_pool"};
  for (auto k : kKeywords) {
    if (k == keyword) return true;
  }
  return false;
}

bool is_coerced_config_key(std::string_view key) {
  static constexpr std::array<std::string_view, 7> kKeys = {
      "pool_timeout", "echo", "echo_pool", "pool_recycle", "pool_size", "max_overflow", "future"};
  for (auto k : kKeys) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace sqla

namespace sqla {

std::span<const DriverSpec> driver_specs() {
  // Timeout keys: libpq `connect_timeout` (psycopg2, psycopg 3, no default: waits forever);
  // asyncpg.connect(timeout=60); pg8000 `timeout`; PyMySQL / mysqlclient / aiomysql / asyncmy
  // `connect_timeout` (PyMySQL's 10 s covers the TCP connect only, facts PA114); MySQL
  // Connector/Python `connection_timeout`; MariaDB Connector/Python `connect_timeout`;
  // pyodbc `timeout` (login timeout).
  static constexpr DriverSpec kSpecs[] = {
      {"postgresql", "", Driver::kPsycopg2, "psycopg2", "connect_timeout", ""},
      {"postgresql", "psycopg2", Driver::kPsycopg2, "psycopg2", "connect_timeout", ""},
      {"postgresql", "psycopg2cffi", Driver::kPsycopg2, "psycopg2cffi", "connect_timeout", ""},
      {"postgresql", "psycopg", Driver::kPsycopg, "psycopg", "connect_timeout", ""},
      {"postgresql", "psycopg_async", Driver::kPsycopg, "psycopg", "connect_timeout", ""},
      {"postgresql", "asyncpg", Driver::kAsyncpg, "asyncpg", "timeout", "60 s"},
      {"postgresql", "pg8000", Driver::kPg8000, "pg8000", "timeout", ""},
      {"mysql", "", Driver::kMysqldb, "mysqlclient", "connect_timeout", ""},
      {"mysql", "mysqldb", Driver::kMysqldb, "mysqlclient", "connect_timeout", ""},
      {"mysql", "pymysql", Driver::kPymysql, "PyMySQL", "connect_timeout", ""},
      {"mysql", "aiomysql", Driver::kAiomysql, "aiomysql", "connect_timeout", ""},
      {"mysql", "asyncmy", Driver::kAsyncmy, "asyncmy", "connect_timeout", ""},
      {"mysql", "mysqlconnector", Driver::kMysqlConnector, "mysql-connector", "connection_timeout", ""},
      {"mysql", "mariadbconnector", Driver::kMariadbConnector, "mariadb", "connect_timeout", ""},
      {"sqlite", "", Driver::kPysqlite, "pysqlite", "", ""},
      {"sqlite", "pysqlite", Driver::kPysqlite, "pysqlite", "", ""},
      {"sqlite", "aiosqlite", Driver::kAiosqlite, "aiosqlite", "", ""},
      {"mssql", "", Driver::kPyodbc, "pyodbc", "timeout", ""},
      {"mssql", "pyodbc", Driver::kPyodbc, "pyodbc", "timeout", ""},
  };
  return kSpecs;
}

}  // namespace sqla
