// SARIF 2.1.0 as GitHub code scanning (github/codeql-action/upload-sarif) and other SARIF viewers
// read it. Paths are relative to the directory poolaudit ran in (%SRCROOT%): run it from the
// repository root. Validated against the OASIS schema in tests/validate_sarif.sh.
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/fingerprint.h"
#include "report/reporter.h"
#include "report/uri.h"

#ifndef POOLAUDIT_HOMEPAGE
#define POOLAUDIT_HOMEPAGE "https://github.com/poolaudit/poolaudit"
#endif

namespace report {
namespace {

using nlohmann::ordered_json;

const char* level(core::Severity s) {
  switch (s) {
    case core::Severity::kError: return "error";
    case core::Severity::kWarning: return "warning";
    case core::Severity::kInfo: return "note";
  }
  return "warning";
}

ordered_json artifact(const std::string& path) {
  if (!path.empty() && path.front() == '/') return {{"uri", "file://" + uri_path(path)}};
  return {{"uri", uri_path(path)}, {"uriBaseId", "%SRCROOT%"}};
}

ordered_json physical(const core::Location& where) {
  ordered_json p;
  p["artifactLocation"] = artifact(where.path);
  if (where.valid()) {
    const core::SourceRange& r = where.range;
    ordered_json region{{"startLine", r.begin.line}, {"startColumn", r.begin.column}};
    // SARIF's endColumn is exclusive, as ours is; an empty or unknown end is left out.
    if (r.end.line >= r.begin.line && r.end.line > 0) {
      region["endLine"] = r.end.line;
      if (r.end.column > 0) region["endColumn"] = r.end.column;
    }
    p["region"] = std::move(region);
  }
  return p;
}

std::string category(std::string_view code) {
  if (code.size() < 3) return "general";
  switch (code[2]) {
    case '0': return "input";
    case '1': return "engine";
    case '2': return "session";
    case '3': return "alembic";
    case '4': return "lifecycle";
    default: return "general";
  }
}

/// The rule explanation without Markdown markup, for viewers that show help.text: emphasis, backticks
/// and fence lines go; the code inside them stays (`**kwargs` keeps its stars).
std::string plain(std::string_view markdown) {
  std::string out;
  bool in_code = false;
  for (size_t i = 0; i < markdown.size();) {
    if (markdown.substr(i, 3) == "```") {
      const size_t eol = markdown.find('\n', i);
      i = eol == std::string_view::npos ? markdown.size() : eol + 1;  // the fence line and its language
      in_code = false;
    } else if (markdown[i] == '`') {
      in_code = !in_code;
      ++i;
    } else if (!in_code && markdown.substr(i, 2) == "**") {
      i += 2;
    } else {
      out += markdown[i++];
    }
  }
  return out;
}

ordered_json rule_json(const core::RuleInfo& rule, const std::string& docs_url) {
  const std::string code(rule.code);
  std::ostringstream markdown;
  write_rule_markdown(rule, markdown);
  ordered_json tags = ordered_json::array({"sqlalchemy", category(rule.code)});
  // Code scanning files credential findings under "security" when the rule says so.
  if (rule.name.find("credentials") != std::string_view::npos) tags.push_back("security");
  ordered_json json{{"id", code},
                    {"name", std::string(rule.name)},
                    {"shortDescription", {{"text", std::string(rule.summary)}}},
                    {"fullDescription", {{"text", std::string(rule.summary) + ". " + std::string(rule.fix) + "."}}}};
  // Code scanning links the rule's name in an alert to helpUri.
  if (const std::string url = core::rule_doc_url(docs_url, rule.code); !url.empty()) json["helpUri"] = url;
  json.update(ordered_json{{"help",
           {{"text", plain(std::string(rule.summary) + ".\n\n" + std::string(rule.explanation) + "\n\nFix: " +
                               std::string(rule.fix) + ".")},
            {"markdown", markdown.str()}}},
          {"defaultConfiguration", {{"enabled", rule.default_on}, {"level", level(rule.severity)}}},
          {"properties", {{"tags", std::move(tags)}}}});
  return json;
}

}  // namespace

void write_sarif(const core::Report& report, std::ostream& out) {
  ordered_json rules = ordered_json::array();
  std::map<std::string, size_t> rule_index;
  for (const core::RuleInfo& r : report.rules) {
    rule_index.emplace(std::string(r.code), rules.size());
    rules.push_back(rule_json(r, report.rule_docs_url));
  }
  ordered_json results = ordered_json::array();
  const std::vector<std::string> prints = fingerprints(report.findings);
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const core::Finding& f = report.findings[i];
    ordered_json r;
    r["ruleId"] = f.code;
    if (auto it = rule_index.find(f.code); it != rule_index.end()) r["ruleIndex"] = it->second;
    r["level"] = level(f.severity);
    r["message"] = {{"text", f.message + (f.fix.empty() ? "" : ". Fix: " + f.fix)}};
    r["locations"] = ordered_json::array({{{"physicalLocation", physical(f.where)}}});
    if (!f.notes.empty()) {
      ordered_json related = ordered_json::array();
      for (const core::Note& n : f.notes) {
        ordered_json l{{"id", related.size()}};
        if (!n.where.path.empty()) l["physicalLocation"] = physical(n.where);
        l["message"] = {{"text", n.message}};
        related.push_back(std::move(l));
      }
      r["relatedLocations"] = std::move(related);
    }
    if (f.autofix) {
      // SARIF 2.1.0 §3.55 fix: one artifactChange in the finding's file, a replacement per edit.
      ordered_json replacements = ordered_json::array();
      for (const core::Edit& e : f.autofix->edits) {
        const core::SourceRange& s = e.span.range;
        ordered_json replacement{{"deletedRegion", {{"startLine", s.begin.line}, {"startColumn", s.begin.column},
                                                    {"endLine", s.end.line}, {"endColumn", s.end.column}}}};
        if (!e.replacement.empty()) replacement["insertedContent"] = {{"text", e.replacement}};
        replacements.push_back(std::move(replacement));
      }
      r["fixes"] = ordered_json::array(
          {{{"description", {{"text", f.autofix->title + " (" +
                                          std::string(core::applicability_name(f.autofix->applicability)) + ")"}}},
            {"artifactChanges", ordered_json::array({{{"artifactLocation", artifact(f.where.path)},
                                                      {"replacements", std::move(replacements)}}})}}});
    }
    r["partialFingerprints"] = {{"poolaudit/v1", prints[i]}};
    if (f.suppressed) r["suppressions"] = ordered_json::array({{{"kind", "inSource"}}});
    results.push_back(std::move(r));
  }
  // PA0xx input diagnostics are about the run, not the code: tool execution notifications.
  ordered_json descriptors = ordered_json::array();
  std::map<std::string, size_t> descriptor_index;
  ordered_json notifications = ordered_json::array();
  for (const core::Finding& d : report.diagnostics) {
    auto [it, added] = descriptor_index.emplace(d.code, descriptors.size());
    if (added) descriptors.push_back({{"id", d.code}, {"name", d.name}});
    notifications.push_back({{"locations", ordered_json::array({{{"physicalLocation", physical(d.where)}}})},
                             {"message", {{"text", d.message}}},
                             {"level", level(d.severity)},
                             {"descriptor", {{"id", d.code}, {"index", it->second}}}});
  }
  ordered_json driver{{"name", report.tool},
                      {"version", report.version},
                      {"semanticVersion", report.version},
                      {"informationUri", POOLAUDIT_HOMEPAGE},
                      {"rules", std::move(rules)}};
  if (!descriptors.empty()) driver["notifications"] = std::move(descriptors);
  ordered_json invocation{{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  ordered_json run{
      {"tool", {{"driver", std::move(driver)}}},
      {"invocations", ordered_json::array({std::move(invocation)})},
      {"originalUriBaseIds",
       {{"%SRCROOT%", {{"description", {{"text", "The directory poolaudit ran in (the repository root in CI)"}}}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(results)}};
  if (!report.deployment.services.empty()) {
    // A repository of several services: each one's context, as a run property bag (SARIF 3.8).
    ordered_json services = ordered_json::array();
    for (const core::ServiceContext& s : report.deployment.services) {
      ordered_json versions = ordered_json::array();
      for (const core::DeploymentEntry& v : s.versions) versions.push_back(v.text);
      ordered_json processes = ordered_json::array();
      for (const core::DeploymentEntry& p : s.processes) processes.push_back(p.text);
      services.push_back({{"path", s.path}, {"markers", s.markers}, {"platform", s.platform},
                          {"processes", std::move(processes)}, {"versions", std::move(versions)},
                          {"dialect", s.dialect}});
    }
    run["properties"] = {{"services", std::move(services)}};
  }
  ordered_json sarif{{"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
                     {"version", "2.1.0"},
                     {"runs", ordered_json::array({std::move(run)})}};
  out << sarif.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace report
