#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace sqla {

/// A database URL as SQLAlchemy's make_url() splits it. Parts written as `{...}` placeholders
/// (f-strings, string building) are kept verbatim and flagged `partial`.
struct DatabaseUrl {
  std::string text;      ///< the URL as written
  std::string dialect;   ///< "postgresql"
  std::string driver;    ///< "asyncpg" ("" = the dialect's default driver)
  std::string user;
  std::optional<std::string> password;
  std::string host;
  std::string port;
  std::string database;
  std::string query;     ///< after '?', without it
  bool partial = false;  ///< some part is not a literal

  bool is_sqlite() const { return dialect == "sqlite"; }
  /// sqlite://, sqlite:///:memory:, file:...?mode=memory
  bool is_sqlite_memory() const;
  bool is_mysql() const { return dialect == "mysql" || dialect == "mariadb"; }
  bool is_postgres() const { return dialect == "postgresql" || dialect == "postgres"; }
  /// The driver is asyncio-only (asyncpg, aiosqlite, aiomysql, asyncmy, ...).
  bool is_async_driver() const;
  /// Value of a query parameter, when present.
  std::optional<std::string> query_param(std::string_view name) const;
  /// The URL with its password as ***.
  std::string masked() const;
  /// The host of masked(): a raw '@' in a password puts its tail into SQLAlchemy's host.
  std::string shown_host() const;
  /// The port of masked(): a non-number may be a password whose '@host' was cut off.
  std::string shown_port() const;
  /// A host that only this machine reaches (localhost, 127.x, ::1, a unix socket).
  bool is_local_host() const;
};

/// Parses `dialect[+driver]://[user[:password]@]host[:port]/database[?query]`; nullopt when the
/// text is not a database URL of a known dialect.
std::optional<DatabaseUrl> parse_database_url(std::string_view text, bool partial);

}  // namespace sqla
