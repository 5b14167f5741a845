// The connection budget: processes × (pool_size + max_overflow) per database server, against its limit.
#include <algorithm>
#include <map>

#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/deployment/helpers.h"
#include "sqla/deployment/processes.h"

namespace sqla {

using deploy::at;
using deploy::to_int;
using deploy::is_web_server;
using py::ValueKind;

bool long_lived(const FileFacts& file, const EngineSite& site) {
  return site.function.empty() && !file.is_test && !file.is_alembic_env && !file.is_script;
}

namespace {

/// "8 processes × (15 + 10) = 200"
std::string product(int processes, std::vector<BudgetTerm>::const_iterator begin,
                    std::vector<BudgetTerm>::const_iterator end, const std::optional<int>& total) {
  std::string sum;
  for (auto t = begin; t != end; ++t) {
    sum += (sum.empty() ? "" : " + ") + (t->per_process ? std::to_string(*t->per_process) : std::string("unbounded"));
  }
  return std::to_string(processes) + (processes == 1 ? " process" : " processes") + " × (" + sum + ") = " +
         (total ? std::to_string(*total) : std::string("unbounded"));
}

}  // namespace

std::string Budget::describe() const {
  std::string out;
  if (shares.empty()) {
    out = product(processes, engines.begin(), engines.end(), total);
  } else {
    // "service web: 8 processes × (15) = 120 + service worker: 2 processes × (15) = 30; 150"
    auto begin = engines.begin();
    for (const BudgetShare& share : shares) {
      const auto end = begin + static_cast<std::ptrdiff_t>(share.engines);
      out += (out.empty() ? "" : " + ") + std::string("service ") + (share.service.empty() ? "." : share.service) + ": " +
             product(share.processes, begin, end, share.total);
      begin = end;
    }
    out += total ? "; together " + std::to_string(*total) : std::string("; together unbounded");
  }
  out += exceeds() ? " > " : " ≤ ";
  out += std::to_string(limit) + " (" + limit_origin + ")";
  return out;
}

namespace {

bool loopback(std::string_view host) {
  return host == "localhost" || host.starts_with("127.") || host == "::1" || host == "[::1]" || host == "0.0.0.0";
}

/// The identity of the server an engine's URL reaches, for adding up the budgets of services:
/// host and port (the dialect's default when none is written). "" when another service's equal
/// text may name another server: no host, a loopback host (each container or machine its own),
/// or a compose service name that more than one compose file defines (two separate stacks).
std::string server_key(const ProjectFacts& facts, const std::optional<DatabaseUrl>& url) {
  if (!url || url->host.empty() || url->partial) return {};
  const std::string host = core::lower(url->host);
  if (loopback(host) || host.find('$') != std::string::npos || host.find('{') != std::string::npos) return {};
  std::vector<std::string> compose_files;
  for (const ComposeDatabase& c : facts.deployment.compose_databases) {
    for (const std::string& h : c.hosts) {
      if (core::lower(h) == host && std::find(compose_files.begin(), compose_files.end(), c.where.path) == compose_files.end()) {
        compose_files.push_back(c.where.path);
      }
    }
  }
  if (compose_files.size() > 1) return {};
  std::string port = url->port;
  if (port.empty()) port = url->is_mysql() ? "3306" : url->is_postgres() ? "5432" : "";
  if (port.empty() || !to_int(port)) return {};
  return host + ":" + port;
}

/// pool_size + max_overflow of one configuration; nullopt = uncountable, set `unbounded` for no limit.
std::optional<int> capacity(const ProjectFacts& facts, const FileFacts& file, const EngineSite& site, const EngineConfig& c, bool& unbounded,
                            std::string& arithmetic) {
  // An assumed pool (URL not resolved) leaves the database's limit unknown too: not counted.
  if (!is_queue_pool(c.pool.kind) || c.pool.instance || c.pool.assumed || !c.complete) return std::nullopt;
  int size = 5;
  int overflow = 10;
  std::string size_origin = "SQLAlchemy's default";
  std::string overflow_origin = "SQLAlchemy's default";
  const std::optional<Version>& fsa = versions_of(facts, file).flask_sqlalchemy;
  const bool fsa2_mysql = site.flask_sqlalchemy && c.url && c.url->is_mysql() && fsa && fsa->major < 3;
  if (fsa2_mysql) {
    size = 10;
    size_origin = "Flask-SQLAlchemy 2.x's default for MySQL";
  }
  for (auto [name, value, origin] : {std::tuple{"pool_size", &size, &size_origin}, std::tuple{"max_overflow", &overflow, &overflow_origin}}) {
    const py::Argument* a = c.arg(name);
    if (!a) continue;
    if (a->value->kind != ValueKind::kInt) return std::nullopt;
    *value = static_cast<int>(a->value->integer);
    *origin = at(a->value->origin.valid() ? a->value->origin : a->where);
    if (a->value->overridable) *origin += ", a default the environment can override";
  }
  // pool_size=0 means no limit on the pool; max_overflow=-1 means unlimited overflow (pool/impl.py).
  unbounded = size == 0 || overflow < 0;
  arithmetic = "pool_size " + std::to_string(size) + " (" + size_origin + ") + max_overflow " + std::to_string(overflow) +
               " (" + overflow_origin + ")";
  return unbounded ? 0 : size + overflow;
}

/// The budgets of the engines of `files` (a service's, or all) run by the processes of `d`.
std::vector<Budget> budgets_of(const ProjectFacts& facts, const DeploymentFacts& d, const ConfiguredContext& configured,
                               const std::vector<const FileFacts*>& files) {
  // Alternative declarations of the web tier (Procfile, Dockerfile) are not added up: the largest
  // counts. Celery workers run beside it.
  int web = 0;
  std::string web_origin;
  core::Location web_where;
  int others = 0;
  std::string others_origin;
  for (const ServerProcess& p : d.processes) {
    if (!p.workers) continue;
    if (is_web_server(p)) {
      if (*p.workers > web) {
        web = *p.workers;
        web_origin = p.server + " " + std::to_string(*p.workers) + " from " + p.workers_origin;
        web_where = p.where;
      }
    } else if (p.server == "celery") {
      others += *p.workers;
      if (!web_where.valid()) web_where = p.where;
      others_origin += " + Celery " + std::to_string(*p.workers) + " from " + p.workers_origin;
    }
  }
  const int processes = web + others;
  if (processes == 0) return {};
  std::vector<Budget> out;
  for (const FileFacts* in : files) {
    const FileFacts& file = *in;
    for (const EngineSite& site : file.engines) {
      if (!long_lived(file, site) || site.configs.empty()) continue;
      std::optional<int> worst;
      bool unbounded_any = false;
      bool countable = true;
      std::string arithmetic;
      const EngineConfig* first = nullptr;
      for (const EngineConfig& c : site.configs) {
        if (runs_serverless(facts, file, c) == std::optional<bool>(true)) continue;
        if (c.url && c.url->is_sqlite()) continue;
        if (c.pool.kind == Pool::kNull) continue;  // one connection per concurrent operation, not per slot
        bool unbounded = false;
        std::string text;
        auto cap = capacity(facts, file, site, c, unbounded, text);
        if (!cap) {
          countable = false;
          break;
        }
        if (!first) first = &c;
        unbounded_any = unbounded_any || unbounded;
        if (!worst || *cap > *worst) {
          worst = cap;
          arithmetic = text;
        }
      }
      if (!countable || !first) continue;
      std::string server;
      if (first->url && !first->url->host.empty()) server = first->url->shown_host() + (first->url->port.empty() ? "" : ":" + first->url->shown_port());
      auto it = std::find_if(out.begin(), out.end(), [&](const Budget& b) { return b.server == server; });
      if (it == out.end()) {
        Budget b;
        b.server = server;
        b.processes = processes;
        b.processes_origin = web_origin + others_origin;
        b.processes_where = web_where;
        b.deployment = &d;
        b.server_key = server_key(facts, first->url);
        if (b.processes_origin.rfind(" + ", 0) == 0) b.processes_origin = b.processes_origin.substr(3);
        if (configured.config_max_connections) {
          b.limit = *configured.config_max_connections;
          b.limit_origin = "config `max-connections`" + (configured.config_origin.empty() ? "" : " in " + configured.config_origin);
          b.limit_source = Budget::LimitSource::kConfiguration;
        } else if (d.max_connections) {
          b.limit = *d.max_connections;
          b.limit_origin = "max_connections=" + std::to_string(*d.max_connections) + " at " + at(d.max_connections_where);
          b.limit_source = Budget::LimitSource::kServerSetting;
        } else if (first->url && first->url->is_mysql()) {
          b.limit = 151;
          b.limit_origin = "MySQL/MariaDB's default max_connections";
        } else {
          b.limit = 100;
          b.limit_origin = "PostgreSQL's default max_connections";
        }
        out.push_back(std::move(b));
        it = out.end() - 1;
      }
      BudgetTerm term{&site, &file, unbounded_any ? std::nullopt : worst,
                      (site.assigned_to.empty() ? std::string("engine") : site.assigned_to) + " at " + at(site.where) + ": " + arithmetic};
      it->engines.push_back(std::move(term));
    }
  }
  for (Budget& b : out) {
    int sum = 0;
    bool bounded = true;
    for (const BudgetTerm& t : b.engines) {
      if (!t.per_process) bounded = false;
      else sum += *t.per_process;
    }
    b.total = bounded ? std::optional<int>(sum * b.processes) : std::nullopt;
  }
  return out;
}

/// Services whose engines reach one server share its max_connections: their budgets become one
/// (each service's processes × its own engines, added up), in the place of the first.
std::vector<Budget> combine_services(std::vector<Budget> per_service) {
  std::vector<Budget> out;
  std::vector<bool> taken(per_service.size(), false);
  for (size_t i = 0; i < per_service.size(); ++i) {
    if (taken[i]) continue;
    std::vector<size_t> same{i};
    for (size_t j = i + 1; j < per_service.size() && !per_service[i].server_key.empty(); ++j) {
      if (!taken[j] && per_service[j].server_key == per_service[i].server_key && per_service[j].service != per_service[i].service) {
        same.push_back(j);
      }
    }
    if (same.size() == 1) {
      out.push_back(std::move(per_service[i]));
      continue;
    }
    Budget b;
    b.server = per_service[i].server;
    b.server_key = per_service[i].server_key;
    b.processes_where = per_service[i].processes_where;
    b.deployment = per_service[i].deployment;
    b.limit = 0;
    int sum = 0;
    bool bounded = true;
    for (size_t k : same) {
      taken[k] = true;
      Budget& part = per_service[k];
      b.shares.push_back(BudgetShare{part.service, part.processes, part.processes_origin, part.processes_where, part.total,
                                     part.engines.size(), part.deployment});
      b.service += (b.service.empty() ? "" : " + ") + (part.service.empty() ? std::string(".") : part.service);
      b.processes += part.processes;
      b.processes_origin += (b.processes_origin.empty() ? "" : "; ") + std::string("service ") +
                            (part.service.empty() ? "." : part.service) + ": " + part.processes_origin;
      for (BudgetTerm& t : part.engines) b.engines.push_back(std::move(t));
      if (part.total) sum += *part.total;
      else bounded = false;
      // The limit is the server's: a configured `max-connections` wins over the server's own
      // setting, which wins over the dialect's default; of figures of the same standing that
      // disagree the largest is kept (the budget is not made tighter than any of them says).
      if (part.limit_source > b.limit_source || (part.limit_source == b.limit_source && part.limit > b.limit)) {
        b.limit = part.limit;
        b.limit_origin = part.limit_origin;
        b.limit_source = part.limit_source;
      }
    }
    b.total = bounded ? std::optional<int>(sum) : std::nullopt;
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

std::vector<Budget> connection_budgets(const ProjectFacts& facts) {
  std::vector<const FileFacts*> all;
  for (const FileFacts& file : facts.files) all.push_back(&file);
  if (facts.services.size() < 2) return budgets_of(facts, facts.deployment, facts.context, all);
  // Each service's processes open its own engines' pools (facts PA105): a Lambda's engines are not
  // multiplied by the gunicorn workers of the service beside it.
  std::vector<Budget> per_service;
  for (size_t i = 0; i < facts.services.size(); ++i) {
    std::vector<const FileFacts*> files;
    for (const FileFacts* file : all) {
      if (file->service == i) files.push_back(file);
    }
    for (Budget& b : budgets_of(facts, facts.services[i].deployment, facts.services[i].configured, files)) {
      b.service = facts.services[i].path;
      per_service.push_back(std::move(b));
    }
  }
  return combine_services(std::move(per_service));
}

}  // namespace sqla
