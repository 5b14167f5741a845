// The connection budget: processes × (pool_size + max_overflow) per database server, against its limit.
#include <algorithm>
#include <map>

#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/deployment/helpers.h"
#include "sqla/deployment/processes.h"

namespace sqla {

using deploy::at;
using deploy::is_web_server;
using py::ValueKind;

bool long_lived(const FileFacts& file, const EngineSite& site) {
  return site.function.empty() && !file.is_test && !file.is_alembic_env && !file.is_script;
}

std::string Budget::describe() const {
  std::string sum;
  for (const BudgetTerm& t : engines) {
    sum += (sum.empty() ? "" : " + ") + (t.per_process ? std::to_string(*t.per_process) : std::string("unbounded"));
  }
  std::string out = std::to_string(processes) + (processes == 1 ? " process" : " processes") + " × (" + sum + ") = ";
  out += total ? std::to_string(*total) : std::string("unbounded");
  out += exceeds() ? " > " : " ≤ ";
  out += std::to_string(limit) + " (" + limit_origin + ")";
  return out;
}

namespace {

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
std::vector<Budget> budgets_of(const ProjectFacts& facts, const DeploymentFacts& d,
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
        if (b.processes_origin.rfind(" + ", 0) == 0) b.processes_origin = b.processes_origin.substr(3);
        if (facts.context.config_max_connections) {
          b.limit = *facts.context.config_max_connections;
          b.limit_origin = "config `max-connections`" + (facts.context.config_origin.empty() ? "" : " in " + facts.context.config_origin);
        } else if (d.max_connections) {
          b.limit = *d.max_connections;
          b.limit_origin = "max_connections=" + std::to_string(*d.max_connections) + " at " + at(d.max_connections_where);
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

}  // namespace

std::vector<Budget> connection_budgets(const ProjectFacts& facts) {
  std::vector<const FileFacts*> all;
  for (const FileFacts& file : facts.files) all.push_back(&file);
  if (facts.services.size() < 2) return budgets_of(facts, facts.deployment, all);
  // Each service's processes open its own engines' pools (facts PA105): a Lambda's engines are not
  // multiplied by the gunicorn workers of the service beside it.
  std::vector<Budget> out;
  for (size_t i = 0; i < facts.services.size(); ++i) {
    std::vector<const FileFacts*> files;
    for (const FileFacts* file : all) {
      if (file->service == i) files.push_back(file);
    }
    for (Budget& b : budgets_of(facts, facts.services[i].deployment, files)) {
      b.service = facts.services[i].path;
      out.push_back(std::move(b));
    }
  }
  return out;
}

}  // namespace sqla
