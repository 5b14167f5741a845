#include "sqla/url.h"

#include <algorithm>
#include <array>

#include "core/mask.h"
#include "core/text.h"

namespace sqla {
namespace {

using core::lower;

constexpr std::array<std::string_view, 14> kDialects = {
    "postgresql", "postgres", "mysql", "mariadb", "sqlite", "oracle", "mssql", "cockroachdb",
    "redshift", "snowflake", "bigquery", "clickhouse", "firebird", "sybase"};

constexpr std::array<std::string_view, 7> kAsyncDrivers = {
    "asyncpg", "aiosqlite", "aiomysql", "asyncmy", "aioodbc", "psycopg_async", "pysqlite_async"};

}  // namespace

bool DatabaseUrl::is_sqlite_memory() const {
  if (!is_sqlite()) return false;
  if (database.empty() || database == ":memory:") return !partial || database == ":memory:";
  return database.rfind("file:", 0) == 0 && query.find("mode=memory") != std::string::npos;
}

bool DatabaseUrl::is_async_driver() const {
  return std::find(kAsyncDrivers.begin(), kAsyncDrivers.end(), driver) != kAsyncDrivers.end();
}

std::optional<std::string> DatabaseUrl::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string DatabaseUrl::masked() const { return core::mask_credentials(text); }

bool DatabaseUrl::is_local_host() const {
  const std::string h = lower(host);
  return h.empty() || h == "localhost" || h.rfind("127.", 0) == 0 || h == "::1" || h == "[::1]" ||
         h == "0.0.0.0" || h == "host.docker.internal";
}

std::optional<DatabaseUrl> parse_database_url(std::string_view text, bool partial) {
  const size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  const std::string scheme = lower(text.substr(0, sep));
  if (scheme.find_first_of("{}") != std::string::npos) return std::nullopt;
  DatabaseUrl url;
  url.text = std::string(text);
  url.partial = partial;
  const size_t plus = scheme.find('+');
  url.dialect = scheme.substr(0, plus);
  if (plus != std::string::npos) url.driver = scheme.substr(plus + 1);
  if (std::find(kDialects.begin(), kDialects.end(), url.dialect) == kDialects.end()) return std::nullopt;
  if (url.dialect == "postgres") url.dialect = "postgresql";
  std::string_view rest = text.substr(sep + 3);
  const size_t qmark = rest.find('?');
  if (qmark != std::string_view::npos) {
    url.query = std::string(rest.substr(qmark + 1));
    rest = rest.substr(0, qmark);
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.database = std::string(rest.substr(slash + 1));
  // The password may itself contain '@' only when escaped; the last '@' ends the userinfo.
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = userinfo.find(':');
    url.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) url.password = std::string(userinfo.substr(colon + 1));
  }
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    url.host = std::string(authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1));
    if (close != std::string_view::npos && close + 1 < authority.size() && authority[close + 1] == ':') {
      url.port = std::string(authority.substr(close + 2));
    }
  } else {
    const size_t colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) url.port = std::string(authority.substr(colon + 1));
  }
  return url;
}

}  // namespace sqla
