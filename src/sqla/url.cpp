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

/// urllib.parse.unquote (and unquote_plus when `plus_is_space`): `%XX` is a byte, a bad escape stays.
std::string percent_decode(std::string_view s, bool plus_is_space = false) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += plus_is_space && s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

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
  // urllib.parse.parse_qsl as SQLAlchemy calls it: '&'-separated, '+' is a space, keys and values
  // percent-decoded, a pair without '=' or with a blank value is dropped; the first one counts here.
  std::string_view q = query;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && eq + 1 < pair.size() &&
        percent_decode(pair.substr(0, eq), true) == name) {
      return percent_decode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string DatabaseUrl::masked() const { return core::mask_url(text); }

// The host and port of the masked URL: a raw '@' in a password puts its tail into SQLAlchemy's
// host, and a password whose '@host' was cut off reads as a port; the masked URL shows neither.
std::string DatabaseUrl::shown_host() const {
  const auto shown = parse_database_url(masked(), partial);
  return shown ? shown->host : std::string(core::kMask);
}

std::string DatabaseUrl::shown_port() const {
  const auto shown = parse_database_url(masked(), partial);
  return shown ? shown->port : std::string(core::kMask);
}

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
  // Step by step what SQLAlchemy's _parse_url regex does (the same in 1.4 and 2.0):
  //   (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
  // the username runs to the first ':' or '/', the password from that ':' to the FIRST '@' (so
  // '/', '?', '#', ':', spaces and quotes belong to it: `svc:Ab1/x@db` is host db). Without an '@'
  // after the ':', the regex backtracks to a username ending at the last '@' before the first
  // ':' or '/', or to no userinfo at all (`svc:Ab1/x` is host svc, port Ab1).
  std::string_view rest = text.substr(sep + 3);
  const size_t user_end = std::min(rest.find_first_of(":/"), rest.size());
  const size_t at_after_colon =
      user_end < rest.size() && rest[user_end] == ':' ? rest.find('@', user_end + 1) : std::string_view::npos;
  if (at_after_colon != std::string_view::npos) {
    url.user = percent_decode(rest.substr(0, user_end));
    url.password = percent_decode(rest.substr(user_end + 1, at_after_colon - user_end - 1));
    rest.remove_prefix(at_after_colon + 1);
  } else if (const size_t at = rest.substr(0, user_end).rfind('@'); at != std::string_view::npos) {
    url.user = percent_decode(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  //   (?:(?:\[(?P<ipv6host>[^/\?]+)\]|(?P<ipv4host>[^/:\?]+))?(?::(?P<port>[^/\?]*))?)?
  // The host may hold a raw '@' (the tail of a password that should have been written %40).
  const size_t host_stop = std::min(rest.find_first_of("/?"), rest.size());
  size_t pos = 0;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.substr(0, host_stop).rfind(']');
    if (close != std::string_view::npos && close > 1) {
      url.host = std::string(rest.substr(0, close + 1));
      pos = close + 1;
    }
  }
  if (pos == 0) {
    pos = std::min(rest.find_first_of("/:?"), rest.size());
    url.host = std::string(rest.substr(0, pos));
  }
  if (pos < rest.size() && rest[pos] == ':') {
    url.port = std::string(rest.substr(pos + 1, host_stop - pos - 1));
    pos = host_stop;
  }
  //   (?:/(?P<database>[^\?]*))?(?:\?(?P<query>.*))?  -- re.match: anything else is ignored.
  if (pos < rest.size() && rest[pos] == '/') {
    const size_t q = std::min(rest.find('?', pos), rest.size());
    url.database = std::string(rest.substr(pos + 1, q - pos - 1));
    pos = q;
  }
  if (pos < rest.size() && rest[pos] == '?') {
    const std::string_view query = rest.substr(pos + 1);
    url.query = std::string(query.substr(0, std::min(query.find('\n'), query.size())));
  }
  return url;
}

}  // namespace sqla
