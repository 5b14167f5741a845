// Project phase: every file's deployment facts merged into the project's, processes resolved.
#include <algorithm>
#include <tuple>

#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/deployment/processes.h"
#include "sqla/deployment/scope.h"
#include "sqla/services.h"

namespace sqla {

using deploy::covers;
using deploy::resolve_processes;

namespace {

/// `from storage import setup_tables` then `setup_tables()` while the module is imported (directly
/// or through this file's app factory): it connects when that module's function does.
void resolve_imported_connects(DeploymentFacts& d) {
  for (const ImportTimeConnect& call : d.imported_calls) {
    for (const ConnectingFunction& fn : d.connecting_functions) {
      // The import path may carry more leading packages than the module name (src/ layouts).
      const std::string& name = fn.qualified_name;
      const bool same = call.what == name || (call.what.size() > name.size() && call.what.ends_with(name) &&
                                              call.what[call.what.size() - name.size() - 1] == '.');
      if (!same) continue;
      const std::string callee(core::last_component(name));
      ImportTimeConnect c = fn.connect;
      c.where = call.where;
      c.through = call.through.empty() ? callee : call.through + "() → " + callee;
      const bool seen = std::any_of(d.import_connects.begin(), d.import_connects.end(), [&](const ImportTimeConnect& k) {
        return k.where == c.where && k.what == c.what;
      });
      if (!seen) d.import_connects.push_back(std::move(c));
      break;
    }
  }
  d.imported_calls.clear();
  d.connecting_functions.clear();
}

void sort_by_location(DeploymentFacts& d) {
  auto by_where = [](const auto& a, const auto& b) {
    return std::tie(a.where.path, a.where.range.begin) < std::tie(b.where.path, b.where.range.begin);
  };
  std::stable_sort(d.serverless.begin(), d.serverless.end(), by_where);
  std::stable_sort(d.servers.begin(), d.servers.end(), by_where);
  std::stable_sort(d.processes.begin(), d.processes.end(), by_where);
  std::stable_sort(d.poolers.begin(), d.poolers.end(), by_where);
  std::stable_sort(d.env.begin(), d.env.end(), by_where);
  std::stable_sort(d.fork_hooks.begin(), d.fork_hooks.end(), by_where);
  std::stable_sort(d.import_connects.begin(), d.import_connects.end(), by_where);
}

}  // namespace

void merge_deployment(ProjectFacts& facts, std::vector<DeploymentFacts> from_files, const std::vector<std::string>& roots) {
  DeploymentFacts& d = facts.deployment;
  auto append = [&](DeploymentFacts& part, bool python) {
    for (Evidence& e : part.serverless) {
      if (python) {
        e.scope.clear();
        for (const std::string& r : roots) {
          if (covers(r, e.where.path) && r.size() > e.scope.size()) e.scope = r;
        }
      }
      d.serverless.push_back(std::move(e));
    }
    for (Evidence& e : part.servers) d.servers.push_back(std::move(e));
    for (Evidence& e : part.frontend_only) d.frontend_only.push_back(std::move(e));
    for (Evidence& e : part.asgi_apps) d.asgi_apps.push_back(std::move(e));
    for (PoolerEndpoint& p : part.poolers) d.poolers.push_back(std::move(p));
    for (ServerProcess& p : part.processes) d.processes.push_back(std::move(p));
    for (EnvVariable& v : part.env) d.env.push_back(std::move(v));
    for (ForkHook& h : part.fork_hooks) d.fork_hooks.push_back(std::move(h));
    for (ImportTimeConnect& c : part.import_connects) d.import_connects.push_back(std::move(c));
    for (ConnectingFunction& c : part.connecting_functions) d.connecting_functions.push_back(std::move(c));
    for (ImportTimeConnect& c : part.imported_calls) d.imported_calls.push_back(std::move(c));
    for (std::string& s : part.vercel_dirs) d.vercel_dirs.push_back(std::move(s));
    for (Evidence& e : part.database_servers) d.database_servers.push_back(std::move(e));
    for (ComposeDatabase& c : part.compose_databases) d.compose_databases.push_back(std::move(c));
    if (part.max_connections && !d.max_connections) {
      d.max_connections = part.max_connections;
      d.max_connections_where = part.max_connections_where;
    }
  };
  for (DeploymentFacts& part : from_files) append(part, false);
  for (FileFacts& f : facts.files) append(f.deployment, true);
  for (FileFacts& f : facts.files) {
    // The per-file copies moved into the project's facts; import-time connects stay per file for rules.
    f.deployment = DeploymentFacts{};
  }
  // vercel.json with Python files under api/ beside it: Vercel Python functions.
  for (const std::string& dir : d.vercel_dirs) {
    const std::string api = (dir.empty() ? "" : dir + "/") + "api/";
    for (const FileFacts& f : facts.files) {
      if (!f.path.starts_with(api) || !f.path.ends_with(".py")) continue;
      auto it = std::find_if(d.frontend_only.begin(), d.frontend_only.end(),
                             [&](const Evidence& e) { return e.scope == dir; });
      const core::Location where = it != d.frontend_only.end() ? it->where : core::Location{f.path, {{1, 1}, {1, 1}}};
      d.serverless.push_back(Evidence{"vercel.json with a Python function in " + f.path, where, "Vercel", dir});
      if (it != d.frontend_only.end()) d.frontend_only.erase(it);
      break;
    }
  }
  resolve_imported_connects(d);
  // Each service resolves its own processes: its gunicorn.conf.py, its WEB_CONCURRENCY.
  if (facts.services.size() > 1) {
    split_deployment(facts, d);
    for (Service& s : facts.services) {
      resolve_processes(s.deployment, s.configured);
      sort_by_location(s.deployment);
    }
  }
  resolve_processes(d, facts.context);
  sort_by_location(d);
}

}  // namespace sqla
