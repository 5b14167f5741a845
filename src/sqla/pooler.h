#pragma once
// What a database URL says about the path to the database: which DBAPI driver SQLAlchemy loads
// for it, and whether it reaches a transaction-mode external pooler (PgBouncer, Supavisor), where
// one server connection serves many clients in turn (facts PA106, PA107, PA117).
#include <optional>
#include <string>

#include "core/location.h"
#include "sqla/facts.h"
#include "sqla/knowledge.h"
#include "sqla/url.h"

namespace sqla {

/// The driver a URL selects (`postgresql` -> psycopg2, `mysql+pymysql` -> PyMySQL, `mariadb+...`
/// as `mysql+...`); nullopt when the dialect or driver is not a literal or not known.
const DriverSpec* driver_of(const DatabaseUrl& url);

/// How a URL was recognised as a transaction-mode pooler.
enum class PoolerKind : uint8_t {
  kSupabase,        ///< *.pooler.supabase.com:6543 (or the legacy db.<ref>.supabase.co:6543)
  kPgbouncerParam,  ///< `pgbouncer=true` in the URL query
  kNeon,            ///< a Neon `-pooler` host: PgBouncer >= 1.22, prepared statements tracked
  kProject,         ///< a pooler the project runs (DeploymentFacts::poolers) in transaction/statement mode
};

/// A URL that reaches a transaction-mode pooler.
struct PoolerMatch {
  PoolerKind kind = PoolerKind::kSupabase;
  std::string what;              ///< "the Supabase transaction pooler (port 6543)"
  bool tracks_prepared = false;  ///< the pooler renames protocol-level prepared statements (Neon)
  core::Location where;          ///< the project's pooler configuration (kProject), else invalid
};

/// The transaction-mode pooler `url` reaches, if it is recognisable: Supabase's pooler host on
/// port 6543 (5432 there is session mode), `pgbouncer=true`, a Neon `-pooler` host, or a host and
/// port of a pooler the project configures with `pool_mode = transaction` (or statement). A
/// pooler of unknown mode is PgBouncer's default, session mode: no match.
std::optional<PoolerMatch> transaction_pooler(const DatabaseUrl& url, const DeploymentFacts& deployment);

}  // namespace sqla
