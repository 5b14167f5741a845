#include "sqla/services.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/deployment/helpers.h"
#include "sqla/project_context.h"

namespace sqla {
namespace {

namespace fs = std::filesystem;

/// True when `dir` is `ancestor` or lies below it ("" holds every relative path).
bool holds(std::string_view ancestor, std::string_view dir) {
  if (ancestor.empty() || ancestor == dir) return true;
  return dir.size() > ancestor.size() && dir.starts_with(ancestor) && dir[ancestor.size()] == '/';
}

/// The directory a deployment file makes a service: its own (.chalice/config.json: the app above).
std::string service_directory_of(const std::string& deployment_path) {
  const std::string dir = core::dirname(deployment_path);
  if (core::basename(dir) == std::string_view(".chalice")) return core::dirname(dir);
  return dir;
}

/// The directory whose code a piece of deployment evidence deploys.
std::string target_of(const Evidence& e) {
  if (!e.code_dir.empty()) return e.code_dir;
  // Evidence found in Python code (a Mangum handler, `lambda_handler(event, context)`) covers the
  // audit root for the project, but it is its own file's service that runs there.
  if (e.where.path.ends_with(".py")) return core::dirname(e.where.path);
  return e.scope;
}

}  // namespace

std::string audit_root_of(const std::vector<std::string>& roots, std::string_view path) {
  std::string best;
  bool found = false;
  for (const std::string& root : roots) {
    const bool in = root.empty() || (path.size() > root.size() && path.rfind(root, 0) == 0 && path[root.size()] == '/');
    if (in && (!found || root.size() > best.size())) {
      best = root;
      found = true;
    }
  }
  return best;
}

std::vector<Service> find_services(const std::vector<std::string>& python_paths, const std::vector<std::string>& roots,
                                   const MarkersOf& markers_of) {
  std::map<std::string, std::vector<std::string>> found;  // directory -> markers
  std::set<std::string> visited;
  for (const std::string& path : python_paths) {
    const std::string root = audit_root_of(roots, path);
    if (!found.count(root)) found[root] = markers_of(root);
    for (std::string dir = core::dirname(path); dir != root && holds(root, dir) && !dir.empty(); dir = core::dirname(dir)) {
      if (!visited.insert(dir).second) break;  // this directory and those above it were looked at
      std::vector<std::string> markers = markers_of(dir);
      if (!markers.empty()) found[dir] = std::move(markers);
    }
  }
  std::vector<Service> out;
  for (auto& [dir, markers] : found) out.push_back(Service{dir, std::move(markers), {}});
  return out;
}

MarkersOf disk_markers(const std::vector<std::string>& deployment_paths) {
  std::map<std::string, std::vector<std::string>> deployment;
  for (const std::string& path : deployment_paths) {
    if (defines_service(path)) {
      deployment[service_directory_of(path)].push_back(path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1));
    }
  }
  return [deployment = std::move(deployment)](const std::string& directory) {
    std::vector<std::string> out;
    std::error_code ec;
    const fs::path dir(directory.empty() ? "." : directory);
    // setup.py and Pipfile declare a distribution too (read_dependency_versions reads neither).
    for (const char* name : {"pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock"}) {
      if (fs::is_regular_file(dir / name, ec)) out.push_back(name);
    }
    if (fs::is_directory(dir / "requirements", ec)) out.push_back("requirements/");
    std::vector<std::string> requirements;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.rfind("requirements", 0) == 0 && it->path().extension() == ".txt") requirements.push_back(name);
    }
    std::sort(requirements.begin(), requirements.end());
    out.insert(out.end(), requirements.begin(), requirements.end());
    if (auto it = deployment.find(directory); it != deployment.end()) {
      std::vector<std::string> files = it->second;
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    }
    return out;
  };
}

std::optional<size_t> service_holding(const std::vector<Service>& services, std::string_view directory) {
  std::optional<size_t> best;
  for (size_t i = 0; i < services.size(); ++i) {
    if (!holds(services[i].path, directory)) continue;
    if (!best || services[i].path.size() > services[*best].path.size()) best = i;
  }
  return best;
}

void assign_files_to_services(ProjectFacts& facts) {
  for (FileFacts& file : facts.files) {
    file.service = service_holding(facts.services, core::dirname(file.path)).value_or(0);
  }
}

std::string code_directory(const std::string& base, std::string_view relative) {
  std::string rel = deploy::trim(relative);
  if (rel.empty() || rel.find('$') != std::string::npos || rel.find(':') != std::string::npos || rel.front() == '/') {
    return {};
  }
  const fs::path joined = (fs::path(base.empty() ? "." : base) / rel).lexically_normal();
  std::string out = joined.generic_string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out == "." || out.rfind("..", 0) == 0) return {};
  if (out.rfind("./", 0) == 0) out = out.substr(2);
  return out == base ? std::string() : out;
}

void split_deployment(ProjectFacts& facts, const DeploymentFacts& gathered) {
  std::vector<Service>& services = facts.services;
  for (Service& s : services) s.deployment = DeploymentFacts{};
  // Where a piece goes: its service, or every service when none holds it.
  auto place = [&](const std::string& directory, auto member, const auto& item) {
    if (auto i = service_holding(services, directory)) {
      (services[*i].deployment.*member).push_back(item);
      return;
    }
    for (Service& s : services) (s.deployment.*member).push_back(item);
  };
  for (const Evidence& e : gathered.serverless) place(target_of(e), &DeploymentFacts::serverless, e);
  for (const Evidence& e : gathered.servers) place(target_of(e), &DeploymentFacts::servers, e);
  for (const Evidence& e : gathered.frontend_only) place(target_of(e), &DeploymentFacts::frontend_only, e);
  for (const Evidence& e : gathered.asgi_apps) place(core::dirname(e.where.path), &DeploymentFacts::asgi_apps, e);
  for (const ServerProcess& p : gathered.processes) {
    place(p.code_dir.empty() ? p.directory : p.code_dir, &DeploymentFacts::processes, p);
  }
  for (const ForkHook& h : gathered.fork_hooks) place(core::dirname(h.where.path), &DeploymentFacts::fork_hooks, h);
  for (const ImportTimeConnect& c : gathered.import_connects) {
    place(core::dirname(c.where.path), &DeploymentFacts::import_connects, c);
  }
  for (const std::string& dir : gathered.vercel_dirs) place(dir, &DeploymentFacts::vercel_dirs, dir);
  // A service's own environment first; then what the directories above it set (a root .env that
  // compose hands to every container), which find_env reaches only when the service sets nothing.
  for (size_t i = 0; i < services.size(); ++i) {
    std::vector<EnvVariable> inherited;
    for (const EnvVariable& v : gathered.env) {
      const std::string dir = v.code_dir.empty() ? core::dirname(v.where.path) : v.code_dir;
      const auto owner = service_holding(services, dir);
      if (owner == i) services[i].deployment.env.push_back(v);
      else if (!owner || holds(services[*owner].path, services[i].path)) inherited.push_back(v);
    }
    for (EnvVariable& v : inherited) services[i].deployment.env.push_back(std::move(v));
  }
  // One database, reached by every service: its poolers and its limit are shared.
  for (Service& s : services) {
    s.deployment.poolers = gathered.poolers;
    s.deployment.database_servers = gathered.database_servers;
    s.deployment.max_connections = gathered.max_connections;
    s.deployment.max_connections_where = gathered.max_connections_where;
  }
}

}  // namespace sqla
