#include "sqla/deployment/processes.h"

#include <algorithm>

#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/deployment/helpers.h"

namespace sqla::deploy {
namespace {

/// `4`, `$WEB_CONCURRENCY`, `${WEB_CONCURRENCY:-4}`: the number and where it came from.
std::optional<int> resolve_count(const std::string& text, const DeploymentFacts& d, std::string& origin) {
  if (auto n = to_int(text)) {
    origin = "`" + text + "`";
    return n;
  }
  std::string var = text;
  std::string fallback;
  if (var.starts_with("${") && var.ends_with("}")) {
    var = var.substr(2, var.size() - 3);
    if (const size_t dash = var.find(":-"); dash != std::string::npos) {
      fallback = var.substr(dash + 2);
      var = var.substr(0, dash);
    }
  } else if (var.starts_with("$")) {
    var = var.substr(1);
  } else {
    return std::nullopt;
  }
  if (const EnvVariable* v = find_env(d, var)) {
    if (auto n = to_int(v->value)) {
      origin = var + "=" + v->value + " from " + at(v->where);
      return n;
    }
  }
  if (auto n = to_int(fallback)) {
    origin = "the default of `" + text + "`";
    return n;
  }
  return std::nullopt;
}

}  // namespace

bool is_web_server(const ServerProcess& p) {
  return p.server == "gunicorn" || sqla::spawns_workers(p) || p.server == "configured";
}

void resolve_processes(DeploymentFacts& d, const ConfiguredContext& context) {
  // gunicorn reads ./gunicorn.conf.py (or -c FILE): its settings fill what the command line leaves out.
  const ServerProcess* conf = nullptr;
  for (const ServerProcess& p : d.processes) {
    if (p.server == "gunicorn" && p.command.empty()) conf = &p;
  }
  const bool command_lines = std::any_of(d.processes.begin(), d.processes.end(), [](const ServerProcess& p) {
    return p.server == "gunicorn" && !p.command.empty();
  });
  std::vector<ServerProcess> out;
  for (ServerProcess p : d.processes) {
    if (p.server == "gunicorn" && p.command.empty()) {
      if (!command_lines) out.push_back(std::move(p));
      continue;
    }
    if (!p.command.empty() && p.server != "multiprocessing") {
      const std::string written = p.workers_origin;
      p.workers_origin.clear();
      std::string how;
      if (!written.empty()) {
        p.workers = resolve_count(written, d, how);
        if (p.workers) p.workers_origin = at(p.where) + " (" + (how.front() == '`' ? "`" + std::string(p.server == "celery" ? "--concurrency " : "--workers ") + written + "`" : how) + ")";
      } else if (p.server == "gunicorn" && conf && (conf->workers || conf->preload || conf->threads || !conf->worker_class.empty())) {
        p.workers = conf->workers;
        p.workers_origin = conf->workers_origin;
        if (!p.threads) p.threads = conf->threads;
        if (p.worker_class.empty()) p.worker_class = conf->worker_class;
        if (!p.preload && conf->preload) {
          p.preload = true;
          p.preload_where = conf->preload_where;
        }
      }
      if (!p.workers && written.empty() && p.server != "celery") {
        // gunicorn and uvicorn default to $WEB_CONCURRENCY, else one worker.
        if (const EnvVariable* v = find_env(d, "WEB_CONCURRENCY"); v && to_int(v->value)) {
          p.workers = to_int(v->value);
          p.workers_origin = "WEB_CONCURRENCY=" + v->value + " from " + at(v->where);
        } else {
          p.workers = 1;
          p.workers_origin = at(p.where) + " (" + p.server + "'s default: 1 worker; WEB_CONCURRENCY is not set in the project's files)";
        }
      }
    }
    out.push_back(std::move(p));
  }
  d.processes = std::move(out);
  if (context.config_workers) {
    const std::string origin = "config `workers = " + std::to_string(*context.config_workers) + "`" +
                               (context.config_origin.empty() ? "" : " (" + context.config_origin + ")");
    bool any = false;
    for (ServerProcess& p : d.processes) {
      if (!is_web_server(p)) continue;
      p.workers = context.config_workers;
      p.workers_origin = origin;
      any = true;
    }
    if (!any) {
      ServerProcess p;
      p.server = "configured";
      p.workers = context.config_workers;
      p.workers_origin = origin;
      p.forks = false;
      p.where = core::Location{context.config_origin, {{1, 1}, {1, 1}}};
      d.processes.push_back(std::move(p));
    }
  }
}

}  // namespace sqla::deploy

namespace sqla {

using core::lower;
using deploy::is_web_server;
bool spawns_workers(const ServerProcess& p) {
  // uvicorn (and `fastapi run`, which runs it) and hypercorn start their workers with the spawn
  // start method: each re-imports the app (facts PA402).
  return p.server == "uvicorn" || p.server == "fastapi" || p.server == "hypercorn";
}

bool concurrent_workers(const DeploymentFacts& deployment) {
  for (const ServerProcess& p : deployment.processes) {
    if (!is_web_server(p) || p.server == "configured") continue;
    if (spawns_workers(p) || p.threads.value_or(1) > 1) return true;
    const std::string k = lower(p.worker_class);
    for (const char* async_class : {"uvicorn", "gevent", "eventlet", "gthread", "tornado", "aiohttp"}) {
      if (k.find(async_class) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace sqla
