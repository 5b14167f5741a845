#include <nlohmann/json.hpp>

#include "report/reporter.h"

namespace report {
namespace {

using nlohmann::ordered_json;

ordered_json finding_json(const core::Finding& f, const std::string& docs_url) {
  ordered_json j;
  j["rule"] = f.code;
  j["name"] = f.name;
  j["severity"] = std::string(core::severity_name(f.severity));
  j["path"] = f.where.path;
  j["line"] = f.where.range.begin.line;
  j["column"] = f.where.range.begin.column;
  j["end_line"] = f.where.range.end.line;
  j["end_column"] = f.where.range.end.column;
  j["message"] = f.message;
  j["fix"] = f.fix;
  ordered_json notes = ordered_json::array();
  for (const core::Note& n : f.notes) {
    notes.push_back({{"path", n.where.path},
                    {"line", n.where.range.begin.line},
                    {"column", n.where.range.begin.column},
                    {"message", n.message}});
  }
  j["notes"] = std::move(notes);
  if (f.autofix) {
    ordered_json edits = ordered_json::array();
    for (const core::Edit& e : f.autofix->edits) {
      edits.push_back({{"start_byte", e.span.begin},
                       {"end_byte", e.span.end},
                       {"line", e.span.range.begin.line},
                       {"column", e.span.range.begin.column},
                       {"end_line", e.span.range.end.line},
                       {"end_column", e.span.range.end.column},
                       {"content", e.replacement}});
    }
    j["autofix"] = {{"title", f.autofix->title},
                    {"applicability", std::string(core::applicability_name(f.autofix->applicability))},
                    {"edits", std::move(edits)}};
  }
  if (const std::string url = core::rule_doc_url(docs_url, f.code); !url.empty()) j["url"] = url;
  j["suppressed"] = f.suppressed;
  if (f.suppressed && !f.suppression.empty()) j["suppression"] = f.suppression;
  return j;
}

ordered_json location_json(const core::Location& where) {
  return {{"path", where.path}, {"line", where.range.begin.line}, {"column", where.range.begin.column}};
}

}  // namespace

void write_json(const core::Report& report, std::ostream& out) {
  ordered_json j;
  j["schema_version"] = 1;
  j["tool"] = {{"name", report.tool}, {"version", report.version}};
  j["root"] = report.root;
  const core::Summary& s = report.summary;
  j["summary"] = {{"error", s.errors}, {"warning", s.warnings}, {"info", s.infos},
                  {"suppressed", s.suppressed}, {"baselined", s.baselined}, {"files", s.files}, {"skipped", s.skipped},
                  {"diagnostics", report.diagnostics.size()}};
  ordered_json roles = ordered_json::object();
  for (core::FileRole role : core::kRoles)
    roles[std::string(core::role_name(role))] =
        s.roles[static_cast<size_t>(role)];
  j["summary"]["roles"] = std::move(roles);
  ordered_json findings = ordered_json::array();
  for (const core::Finding& f : report.findings) findings.push_back(finding_json(f, report.rule_docs_url));
  j["findings"] = std::move(findings);
  ordered_json diagnostics = ordered_json::array();
  for (const core::Finding& d : report.diagnostics) diagnostics.push_back(finding_json(d, report.rule_docs_url));
  j["diagnostics"] = std::move(diagnostics);

  ordered_json engines = ordered_json::array();
  for (const core::InventoryEngine& e : report.inventory.engines) {
    ordered_json je = location_json(e.where);
    je["factory"] = e.factory;
    je["name"] = e.name;
    je["function"] = e.function;
    je["backend"] = e.backend;
    je["url"] = e.url;
    ordered_json configs = ordered_json::array();
    for (const core::InventoryConfig& c : e.configs) {
      ordered_json options = ordered_json::object();
      for (const auto& [k, v] : c.options) options[k] = v;
      configs.push_back({{"branch", c.branch}, {"pool", c.pool}, {"pool_source", c.pool_source},
                         {"options", std::move(options)}, {"complete", c.complete}});
    }
    je["configurations"] = std::move(configs);
    engines.push_back(std::move(je));
  }
  ordered_json factories = ordered_json::array();
  for (const core::InventorySessionFactory& f : report.inventory.session_factories) {
    ordered_json jf = location_json(f.where);
    jf["factory"] = f.factory;
    jf["name"] = f.name;
    jf["bind"] = f.bind;
    if (!f.teardown.empty()) jf["teardown"] = f.teardown;
    factories.push_back(std::move(jf));
  }
  ordered_json providers = ordered_json::array();
  for (const core::InventorySessionProvider& p : report.inventory.session_providers) {
    ordered_json jp = location_json(p.where);
    jp["function"] = p.function;
    jp["kind"] = p.kind;
    jp["object"] = p.object;
    jp["closes"] = p.closes;
    jp["closed_at"] = p.closed_at;
    providers.push_back(std::move(jp));
  }
  ordered_json envs = ordered_json::array();
  for (const core::InventoryAlembicEnv& a : report.inventory.alembic_envs) {
    ordered_json ja = location_json(a.where);
    ja["engine"] = a.engine;
    ja["pool"] = a.pool;
    envs.push_back(std::move(ja));
  }
  j["inventory"] = {{"engines", std::move(engines)},
                    {"session_factories", std::move(factories)},
                    {"session_providers", std::move(providers)},
                    {"alembic_envs", std::move(envs)}};
  auto entries = [](const std::vector<core::DeploymentEntry>& list) {
    ordered_json a = ordered_json::array();
    for (const core::DeploymentEntry& e : list) {
      ordered_json je = {{"text", e.text}};
      if (e.where.valid()) {
        je["path"] = e.where.path;
        je["line"] = e.where.range.begin.line;
      }
      a.push_back(std::move(je));
    }
    return a;
  };
  const core::DeploymentContext& dep = report.deployment;
  j["deployment"] = {{"platform", dep.platform},       {"evidence", entries(dep.evidence)},
                     {"processes", entries(dep.processes)}, {"poolers", entries(dep.poolers)},
                     {"versions", entries(dep.versions)},   {"budget", entries(dep.budget)}};
  if (!dep.services.empty()) {  // a repository of one service prints what it always printed
    ordered_json services = ordered_json::array();
    for (const core::ServiceContext& service : dep.services) {
      services.push_back({{"path", service.path},
                          {"markers", service.markers},
                          {"platform", service.platform},
                          {"processes", entries(service.processes)},
                          {"versions", entries(service.versions)},
                          {"dialect", service.dialect}});
    }
    j["deployment"]["services"] = std::move(services);
  }
  ordered_json checks = ordered_json::array();
  for (const core::Check& c : report.checks) {
    checks.push_back({{"id", c.id}, {"title", c.title}, {"status", core::check_status_name(c.status)},
                      {"rules", c.rules}, {"findings", c.findings}, {"detail", c.detail}});
  }
  j["checks"] = std::move(checks);
  out << j.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace report
