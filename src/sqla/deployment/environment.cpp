// Environment variables the project's files set: which file gives a name its value, and database URLs.
#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/deployment/scope.h"
#include "sqla/url.h"

namespace sqla {
namespace {

using core::lower;

bool is_placeholder_url(const DatabaseUrl& url) {
  const std::string host = lower(url.host);
  if (url.text.find('$') != std::string::npos || url.text.find('<') != std::string::npos ||
      url.text.find('{') != std::string::npos) {
    return true;
  }
  return !url.is_sqlite() && (host.empty() || host.find("example") != std::string::npos ||
                              host.find("your") != std::string::npos || host == "host" || host == "hostname");
}

}  // namespace

using core::basename;
using core::dirname;
using deploy::covers;

const EnvVariable* find_env(const DeploymentFacts& deployment, std::string_view name, std::string_view near) {
  const EnvVariable* best = nullptr;
  int best_rank = 99;
  for (const EnvVariable& v : deployment.env) {
    if (v.name != name) continue;
    // Files beside the code first; a real .env, then compose / platform files, then templates.
    const bool dotenv = basename(v.where.path).starts_with(".env");
    const int rank = (near.empty() || covers(dirname(v.where.path), near) ? 0 : 3) + (v.example ? 2 : dotenv ? 0 : 1);
    if (rank < best_rank) {
      best = &v;
      best_rank = rank;
    }
  }
  return best;
}

std::optional<DatabaseUrl> environment_url(const DeploymentFacts& deployment, std::string_view name,
                                           std::string_view near, const EnvVariable** from) {
  const EnvVariable* v = find_env(deployment, name, near);
  if (!v) return std::nullopt;
  auto url = parse_database_url(v->value, false);
  if (!url || url->partial || is_placeholder_url(*url)) return std::nullopt;
  if (from) *from = v;
  return url;
}

}  // namespace sqla
