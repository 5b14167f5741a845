#include "sqla/pooler.h"

#include <algorithm>
#include <charconv>

#include "core/text.h"

namespace sqla {
namespace {

using core::lower;

bool literal(std::string_view s) { return s.find_first_of("{}") == std::string_view::npos; }

/// The URL's port; nullopt when absent or not a literal number.
std::optional<int> port_of(const DatabaseUrl& url) {
  if (url.port.empty() || !literal(url.port)) return std::nullopt;
  int port = 0;
  auto [end, ec] = std::from_chars(url.port.data(), url.port.data() + url.port.size(), port);
  if (ec != std::errc() || end != url.port.data() + url.port.size()) return std::nullopt;
  return port;
}

/// The port a client reaches when the URL names none: the dialect's default.
std::optional<int> default_port(const DatabaseUrl& url) {
  if (url.is_postgres()) return 5432;
  if (url.is_mysql()) return 3306;
  return std::nullopt;
}

}  // namespace

const DriverSpec* driver_of(const DatabaseUrl& url) {
  if (!literal(url.dialect) || !literal(url.driver) || url.dialect.empty()) return nullptr;
  std::string dialect = lower(url.dialect);
  if (dialect == "postgres") dialect = "postgresql";
  if (dialect == "mariadb") dialect = "mysql";  // mariadb+pymysql:// loads the same drivers
  const std::string driver = lower(url.driver);
  for (const DriverSpec& spec : driver_specs()) {
    if (spec.dialect == dialect && spec.driver == driver) return &spec;
  }
  return nullptr;
}

std::optional<PoolerMatch> transaction_pooler(const DatabaseUrl& url, const DeploymentFacts& deployment) {
  if (!url.is_postgres()) return std::nullopt;  // PgBouncer, Supavisor and Neon speak PostgreSQL only
  const std::string host = lower(url.host);
  const std::optional<int> port = port_of(url);
  if (auto flag = url.query_param("pgbouncer"); flag && lower(*flag) == "true") {
    return PoolerMatch{PoolerKind::kPgbouncerParam, "a PgBouncer pooler (`pgbouncer=true` in the URL)", false, {}};
  }
  if (!literal(host) || host.empty()) return std::nullopt;
  if ((host.ends_with(kSupabasePoolerSuffix) || host.ends_with(kSupabaseLegacySuffix)) &&
      port == kSupabaseTransactionPort) {
    return PoolerMatch{PoolerKind::kSupabase, "the Supabase transaction pooler (port 6543)", false, {}};
  }
  if (host.ends_with(kNeonHostSuffix) && host.find(kNeonPoolerMarker) != std::string::npos) {
    return PoolerMatch{
        PoolerKind::kNeon, "Neon's pooled endpoint (a `-pooler` host: PgBouncer in transaction mode)", true, {}};
  }
  for (const PoolerEndpoint& p : deployment.poolers) {
    if (lower(p.host) != host) continue;
    const std::optional<int> reached = port ? port : default_port(url);
    if (p.port != 0 && reached != p.port) continue;
    const std::string mode = lower(p.mode);
    if (mode != "transaction" && mode != "statement") continue;  // session mode (PgBouncer's default) is fine
    return PoolerMatch{PoolerKind::kProject, "the project's pooler `" + p.host + "` (" + mode + " mode)", false,
                       p.where};
  }
  return std::nullopt;
}

}  // namespace sqla
