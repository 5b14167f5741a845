#include "app/audit_report.h"

#include <algorithm>
#include <string_view>

#include "core/mask.h"
#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/service_versions.h"
#include "sqla/services.h"

namespace app {
namespace {

std::string at(const core::Location& where) {
  return where.path + ":" + std::to_string(where.range.begin.line);
}

core::InventoryEngine inventory_engine(const sqla::EngineSite& site) {
  core::InventoryEngine e;
  e.where = site.where;
  e.factory = std::string(sqla::factory_name(site.factory));
  e.name = site.assigned_to;
  e.function = site.function;
  for (const sqla::EngineConfig& c : site.configs) {
    if (c.url && e.url.empty()) {
      e.url = c.url->masked();
      e.backend = c.url->dialect + (c.url->driver.empty() ? "" : "+" + c.url->driver);
    }
    if (e.backend.empty() && !c.inferred_family.empty()) {
      // Kept apart from a resolved URL: the reader must see that it is an inference.
      e.backend = c.inferred_family + (c.inferred_driver.empty() ? "" : "+" + c.inferred_driver) +
                  " (inferred from the project: " + c.inferred_from + ")";
    }
    core::InventoryConfig ic;
    ic.branch = c.branch;
    ic.pool = c.pool.kind == sqla::Pool::kUnknown ? "unknown" : std::string(sqla::pool_name(c.pool.kind));
    if (c.pool.explicit_class || c.pool.instance) {
      ic.pool_source = c.pool.how + (c.pool.origin.valid() ? " (" + at(c.pool.origin) + ")" : "");
    } else if (c.pool.assumed) {
      ic.pool_source = "assumed: " + c.pool.assumption;
    } else if (c.pool.kind != sqla::Pool::kUnknown) {
      ic.pool_source = c.pool.how + (c.url_source.empty() ? "" : "; URL from " + c.url_source);
    } else {
      ic.pool_source = c.complete ? "URL not resolved" : "options not fully resolved";
    }
    for (const py::Argument& a : c.keywords) {
      if (a.name == "url") continue;
      ic.options.emplace_back(a.name, core::is_secret_key(a.name) ? std::string(core::kMask) : a.value->render());
    }
    ic.complete = c.complete;
    e.configs.push_back(std::move(ic));
  }
  return e;
}

/// How a provider's release reads in the inventory.
std::string closes(sqla::Release release) {
  switch (release) {
    case sqla::Release::kWith: return "with block";
    case sqla::Release::kFinally: return "finally";
    case sqla::Release::kExceptAndHappy: return "except clause and after it";
    case sqla::Release::kClosing: return "contextlib.closing";
    case sqla::Release::kHappyPathOnly: return "success path only";
    case sqla::Release::kNever: return "never";
    default: return "not followed";
  }
}

/// Generators that yield a session or connection: FastAPI dependencies, context managers, fixtures.
void add_providers(const sqla::FileFacts& file, core::Inventory& inventory) {
  for (const sqla::SessionUse& use : file.sessions) {
    if (!use.confirmed || !use.yielded || !use.in_generator) continue;
    core::InventorySessionProvider p;
    p.where = use.where;
    p.function = use.function;
    p.kind = use.test_fixture ? "pytest fixture" : "generator";
    for (const auto& [function, kind] : file.entry.context_managers) {
      if (function == use.function) p.kind = kind;
    }
    if (const sqla::EntryPoint* e = file.entry.find(use.function); e && e->kind == sqla::EntryKind::kDependency) {
      p.kind = "FastAPI dependency";
    }
    p.object = use.connection ? "connection" : "session";
    p.closes = closes(use.release);
    const bool closed = use.release == sqla::Release::kWith || use.release == sqla::Release::kFinally ||
                        use.release == sqla::Release::kHappyPathOnly || use.release == sqla::Release::kExceptAndHappy;
    if (closed && use.release_where.valid()) p.closed_at = at(use.release_where);
    inventory.session_providers.push_back(std::move(p));
  }
}

/// Where a scoped_session registry is removed, or "never removed".
std::string teardown_of(const sqla::ProjectFacts& facts, const sqla::SessionFactorySite& site) {
  if (!site.scoped) return {};
  const std::string_view name = core::last_component(site.assigned_to);
  if (name.empty()) return "not followed";
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::RegistryRelease& r : file.entry.registry_releases) {
      if (core::last_component(r.object) == name) return (r.method == "register" ? "registered at " : r.method + "() at ") + at(r.where);
    }
  }
  return "never removed";
}

/// "gunicorn: 4 workers (Procfile:1 `--workers 4`), spawned ...": one process of the deployment.
core::DeploymentEntry process_entry(const sqla::ServerProcess& p) {
  std::string text = p.server == "configured" ? std::string("configured") : p.server;
  if (p.workers) {
    text += ": " + std::to_string(*p.workers) + (p.server == "celery" ? " pool processes" : *p.workers == 1 ? " worker" : " workers");
    // The entry's own location is printed beside it: keep only the part of the origin after it.
    std::string origin = p.workers_origin;
    const std::string self = at(p.where) + " (";
    if (origin.rfind(self, 0) == 0 && origin.back() == ')') origin = origin.substr(self.size(), origin.size() - self.size() - 1);
    text += " (" + origin + ")";
  } else if (p.server == "multiprocessing") {
    text += ": " + p.command + "(...)";
  } else {
    text += ": worker count not known";
  }
  if (p.threads && *p.threads > 1) text += ", " + std::to_string(*p.threads) + " threads";
  if (!p.worker_class.empty()) text += ", worker class " + p.worker_class;
  if (sqla::spawns_workers(p)) text += ", spawned (nothing inherited from a parent)";
  else if (p.forks && p.preload) text += ", the app is imported before the fork";
  return {text, p.where};
}

/// The services of a repository that holds several: each with its platform, processes, versions
/// and the database its own evidence names.
std::vector<core::ServiceContext> service_contexts(const sqla::ProjectFacts& facts) {
  std::vector<core::ServiceContext> out;
  if (facts.services.size() < 2) return out;
  for (size_t i = 0; i < facts.services.size(); ++i) {
    const sqla::Service& s = facts.services[i];
    core::ServiceContext c;
    c.path = s.path.empty() ? "." : s.path;
    for (const std::string& m : s.markers) c.markers += (c.markers.empty() ? "" : ", ") + m;
    c.platform = sqla::platform_summary(s.configured, s.deployment);
    for (const sqla::ServerProcess& p : s.deployment.processes) c.processes.push_back(process_entry(p));
    const std::string root = sqla::audit_root_of(facts.context.audit_roots, s.path + "/-");
    const std::optional<sqla::DependencyVersions> own = sqla::service_versions(s.path, root, facts.context, &s);
    const sqla::DependencyVersions& v = own && !own->empty() ? *own : facts.context;
    if (v.sqlalchemy) c.versions.push_back({"SQLAlchemy " + v.sqlalchemy->str() + " (" + v.sqlalchemy_origin + ")", {}});
    else c.versions.push_back({"SQLAlchemy not declared: the latest 2.0 is assumed", {}});
    if (v.flask_sqlalchemy) {
      c.versions.push_back({"Flask-SQLAlchemy " + v.flask_sqlalchemy->str() + " (" + v.flask_sqlalchemy_origin + ")", {}});
    }
    std::vector<std::string> families;
    for (const sqla::DialectClue& clue : facts.dialect.clues) {
      if (sqla::service_holding(facts.services, core::dirname(clue.where.path)) != i) continue;
      if (std::find(families.begin(), families.end(), clue.family) == families.end()) families.push_back(clue.family);
    }
    std::sort(families.begin(), families.end());
    if (families.size() == 1) c.dialect = families.front();
    else if (families.size() > 1) {
      for (const std::string& f : families) c.dialect += (c.dialect.empty() ? "several: " : ", ") + f;
    }
    out.push_back(std::move(c));
  }
  return out;
}

/// The "Deployment context" section: platform and evidence, processes, poolers, versions, budgets.
core::DeploymentContext deployment_context(const sqla::ProjectFacts& facts, const std::vector<sqla::Budget>& budgets) {
  const sqla::DeploymentFacts& d = facts.deployment;
  const sqla::ProjectContext& ctx = facts.context;
  core::DeploymentContext out;
  out.services = service_contexts(facts);
  out.platform = sqla::platform_summary(facts);
  const core::Location config_where{ctx.config_origin, {{1, 1}, {1, 1}}};
  if (ctx.config_serverless) {
    out.evidence.push_back({std::string("config `serverless = ") + (*ctx.config_serverless ? "true" : "false") +
                                "` overrides the evidence", config_where});
  }
  for (const sqla::Evidence& e : d.serverless) out.evidence.push_back({e.platform + ": " + e.what, e.where});
  for (const sqla::Evidence& e : d.servers) out.evidence.push_back({"server: " + e.what, e.where});
  for (const sqla::Evidence& e : d.frontend_only) {
    out.evidence.push_back({"vercel.json without Python functions under api/ (a frontend): not serverless evidence", e.where});
  }
  for (const sqla::ServerProcess& p : d.processes) out.processes.push_back(process_entry(p));
  for (const sqla::PoolerEndpoint& p : d.poolers) {
    std::string text = "PgBouncer " + (p.host.empty() ? std::string("(this host)") : p.host) + ":" + std::to_string(p.port);
    text += p.mode.empty() ? ", pool mode not stated (PgBouncer's default: session)" : ", pool_mode " + p.mode;
    out.poolers.push_back({text, p.where});
  }
  auto version_line = [&](const char* name, const std::optional<sqla::Version>& v, const std::string& origin) {
    if (v) out.versions.push_back({std::string(name) + " " + v->str() + " (" + origin + ")", {}});
  };
  version_line("SQLAlchemy", ctx.sqlalchemy, ctx.sqlalchemy_origin);
  if (!ctx.sqlalchemy) out.versions.push_back({"SQLAlchemy not declared: the latest 2.0 is assumed", {}});
  version_line("Flask-SQLAlchemy", ctx.flask_sqlalchemy, ctx.flask_sqlalchemy_origin);
  // The database named by the project's evidence, for engines whose URL is not a literal.
  const sqla::DialectInference& dialect = facts.dialect;
  if (!dialect.family().empty()) {
    out.versions.push_back({"database " + dialect.family() + " inferred from the project (engines whose URL is not "
                                "resolved): " + dialect.summary(),
                            {}});
  } else if (dialect.families.size() > 1) {
    std::string families;
    for (const std::string& f : dialect.families) families += (families.empty() ? "" : ", ") + f;
    out.versions.push_back({"database not inferred: the project's evidence names several (" + families +
                                "): " + dialect.summary(),
                            {}});
  }
  for (const sqla::Budget& b : budgets) {
    // With several services, each budget is its service's processes times its own engines.
    // A budget that services share names each of them in its arithmetic.
    const std::string service = facts.services.size() > 1 && b.shares.empty() ? "service " + (b.service.empty() ? std::string(".") : b.service) + ": " : "";
    out.budget.push_back({service + (b.server.empty() ? std::string() : b.server + ": ") + b.describe() + "; processes: " +
                              b.processes_origin,
                          b.processes_where});
    for (const sqla::BudgetTerm& t : b.engines) {
      out.budget.push_back({"  " + t.arithmetic + (t.per_process ? " = " + std::to_string(*t.per_process) : ": no limit"),
                            t.site->where});
    }
  }
  return out;
}

struct CheckSpec {
  std::string_view id;
  std::string_view title;
  std::vector<std::string_view> rules;
};

}  // namespace

void build_audit(const sqla::ProjectFacts& facts, const std::vector<const rules::Rule*>& selected,
                 core::Report& report) {
  size_t engines = 0;
  size_t async_engines = 0;
  size_t alembic_envs = 0;
  size_t urls = 0;
  size_t sessions = 0;
  size_t entry_points = 0;
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      ++engines;
      const bool is_async = std::any_of(site.configs.begin(), site.configs.end(),
                                        [](const sqla::EngineConfig& c) { return c.is_async; });
      if (is_async) ++async_engines;
      report.inventory.engines.push_back(inventory_engine(site));
    }
    for (const sqla::SessionFactorySite& s : file.session_factories) {
      report.inventory.session_factories.push_back(core::InventorySessionFactory{
          s.where, s.callee, s.assigned_to, core::mask_secrets(s.bind), teardown_of(facts, s)});
    }
    add_providers(file, report.inventory);
    entry_points += file.entry.entry_points.size();
    if (file.is_alembic_env) {
      ++alembic_envs;
      core::InventoryAlembicEnv env;
      env.where = core::Location{file.path, {{1, 1}, {1, 1}}};
      for (const sqla::EngineSite& site : file.engines) {
        env.where = site.where;
        env.engine = std::string(sqla::factory_name(site.factory));
        for (const sqla::EngineConfig& c : site.configs) {
          const std::string pool = c.pool.kind == sqla::Pool::kUnknown ? "default pool" : std::string(sqla::pool_name(c.pool.kind));
          if (env.pool.find(pool) == std::string::npos) env.pool += (env.pool.empty() ? "" : " / ") + pool;
        }
      }
      report.inventory.alembic_envs.push_back(std::move(env));
    }
    urls += file.url_literals.size();
    sessions += static_cast<size_t>(std::count_if(file.sessions.begin(), file.sessions.end(),
                                                  [](const sqla::SessionUse& u) { return u.confirmed; }));
  }
  for (const sqla::IniFile& ini : facts.ini_files) {
    urls += static_cast<size_t>(std::count_if(ini.entries.begin(), ini.entries.end(),
                                              [](const sqla::IniEntry& e) { return e.key.find("url") != std::string::npos; }));
  }

  const std::vector<sqla::Budget> budgets = sqla::connection_budgets(facts);
  report.deployment = deployment_context(facts, budgets);
  const bool deployment_known = !report.deployment.platform.empty();
  const std::vector<CheckSpec> specs = {
      {"pool-class", "Each engine's pool class suits its database", {"PA109", "PA118"}},
      {"pool-options", "Engine options are coherent with the pool class", {"PA101", "PA102", "PA103", "PA110", "PA112", "PA114", "PA116", "PA119", "PA120", "PA121"}},
      {"async-pools", "Async engines use async-safe pools", {"PA108"}},
      {"alembic-nullpool", "Alembic migrations use NullPool and release their engine", {"PA301", "PA302"}},
      {"credentials", "Credentials are kept out of code and ini files", {"PA113", "PA303"}},
      {"sessions-closed", "Sessions and connections are closed on every path",
       {"PA201", "PA202", "PA203", "PA204", "PA205", "PA207", "PA208"}},
      {"engine-per-request", "No engine is created per request, invocation or task", {"PA111"}},
      {"deployment-fit", "Engines fit the deployment (serverless, poolers, stale connections, forks, shutdown)",
       {"PA104", "PA106", "PA107", "PA115", "PA117", "PA401", "PA402", "PA403"}},
      {"connection-budget", "Connection pools fit the database's connection budget", {"PA105"}},
  };
  for (const CheckSpec& spec : specs) {
    core::Check check;
    check.id = std::string(spec.id);
    check.title = std::string(spec.title);
    bool any_selected = false;
    for (std::string_view code : spec.rules) {
      check.rules.emplace_back(code);
      if (std::any_of(selected.begin(), selected.end(), [&](const rules::Rule* r) { return r->info.code == code; })) {
        any_selected = true;
      }
    }
    for (const core::Finding& f : report.findings) {
      if (!f.suppressed && std::find(spec.rules.begin(), spec.rules.end(), std::string_view(f.code)) != spec.rules.end()) {
        ++check.findings;
      }
    }
    size_t subjects = engines;
    std::string noun = "engine";
    if (spec.id == "async-pools") { subjects = async_engines; noun = "async engine"; }
    if (spec.id == "alembic-nullpool") { subjects = alembic_envs; noun = "Alembic env.py"; }
    if (spec.id == "credentials") { subjects = urls + facts.files.size(); noun = "file"; }
    if (spec.id == "sessions-closed") { subjects = sessions; noun = "session or connection"; }
    if (spec.id == "engine-per-request") { subjects = entry_points; noun = "entry point"; }
    if (spec.id == "deployment-fit" && !deployment_known) { subjects = 0; noun = "deployment context"; }
    if (spec.id == "connection-budget") { subjects = budgets.size(); noun = "process count"; }
    if (!any_selected) {
      check.status = core::CheckStatus::kNotApplicable;
      check.detail = "rules not selected";
    } else if (check.findings > 0) {
      check.status = core::CheckStatus::kFail;
      check.detail = std::to_string(check.findings) + (check.findings == 1 ? " finding" : " findings");
    } else if (subjects == 0) {
      check.status = core::CheckStatus::kNotApplicable;
      check.detail = "no " + noun + " found";
    } else {
      check.status = core::CheckStatus::kPass;
      if (spec.id == "connection-budget") {
        check.detail = budgets.front().describe();
      } else if (spec.id == "credentials") {
        check.detail = std::to_string(facts.files.size() + facts.ini_files.size()) + " files checked";
      } else {
        const std::string plural = spec.id == "sessions-closed" ? "sessions and connections" : noun + "s";
        check.detail = std::to_string(subjects) + " " + (subjects == 1 ? noun : plural) + " checked";
      }
    }
    report.checks.push_back(std::move(check));
  }
  for (const core::Finding& f : report.findings) {
    if (f.suppressed) {
      ++report.summary.suppressed;
      continue;
    }
    switch (f.severity) {
      case core::Severity::kError: ++report.summary.errors; break;
      case core::Severity::kWarning: ++report.summary.warnings; break;
      case core::Severity::kInfo: ++report.summary.infos; break;
    }
  }
}

}  // namespace app
