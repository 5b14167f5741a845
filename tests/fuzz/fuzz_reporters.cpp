// libFuzzer target: all six reporters over a report built from the input:
// findings, diagnostics, notes, inventory, deployment context and checks whose
// paths, messages and names are raw input bytes (not UTF-8, control characters,
// `::` and `%`). Properties: JSON, SARIF and GitLab output is valid JSON with
// one entry per finding; GitHub output is one workflow command per line and
// finding (no input can start a line of its own).
#include <deque>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "fuzz_support.h"
#include "report/reporter.h"

namespace fuzz {
namespace {

core::Location location(Bytes &in) {
  core::Location where;
  where.path = in.string(24);
  const uint32_t line = in.number(5); // 0: no position
  where.range = {{line, in.number(4)}, {line + in.number(3), in.number(6)}};
  return where;
}

core::Finding finding(Bytes &in, std::deque<std::string> &rule_codes) {
  core::Finding f;
  const uint8_t shape = in.byte();
  f.code = shape % 4 == 0 ? in.string(8) : "PA10" + std::to_string(shape % 10);
  rule_codes.push_back(f.code);
  f.name = in.string(12);
  f.severity = static_cast<core::Severity>(shape % 3);
  f.where = location(in);
  f.message = in.string(48);
  f.fix = in.string(16);
  for (uint32_t i = in.number(3); i > 0; --i)
    f.notes.push_back({location(in), in.string(24)});
  f.scope = in.string(8);
  f.subject = in.string(8);
  f.suppressed = (shape & 0x10) != 0;
  if (f.suppressed)
    f.suppression = (shape & 0x20) != 0 ? "baseline" : in.string(8);
  return f;
}

size_t unsuppressed(const std::vector<core::Finding> &findings) {
  size_t n = 0;
  for (const core::Finding &f : findings)
    n += f.suppressed ? 0 : 1;
  return n;
}

} // namespace

int reporters(const uint8_t *data, size_t size) {
  Bytes in(data, size);
  core::Report report;
  report.version = in.string(8);
  report.root = in.string(16);
  std::deque<std::string> rule_codes; // RuleInfo holds views
  for (uint32_t i = in.number(6); i > 0; --i)
    report.findings.push_back(finding(in, rule_codes));
  for (uint32_t i = in.number(3); i > 0; --i)
    report.diagnostics.push_back(finding(in, rule_codes));
  // Source lines for the text excerpts: raw bytes (tabs, control characters, invalid UTF-8) with
  // columns that may lie past the end of the line.
  for (const core::Finding &f : report.findings) {
    if (in.byte() & 1)
      report.source_lines[f.where.path][f.where.range.begin.line] = in.string(80);
  }
  for (uint32_t i = in.number(3); i > 0; --i) {
    core::InventoryEngine e;
    e.where = location(in);
    e.factory = in.string(12);
    e.name = in.string(8);
    e.function = in.string(8);
    e.url = in.string(32);
    e.backend = in.string(12);
    for (uint32_t c = in.number(3); c > 0; --c) {
      core::InventoryConfig config;
      config.branch = in.string(12);
      config.pool = in.string(8);
      config.pool_source = in.string(16);
      config.options.push_back({in.string(8), in.string(16)});
      config.complete = (in.byte() & 1) != 0;
      e.configs.push_back(std::move(config));
    }
    report.inventory.engines.push_back(std::move(e));
  }
  if (in.byte() & 1) {
    report.inventory.session_factories.push_back({location(in), in.string(8),
                                                  in.string(8), in.string(8),
                                                  in.string(16)});
    report.inventory.session_providers.push_back({location(in), in.string(8),
                                                  in.string(8), in.string(8),
                                                  in.string(8), in.string(8)});
    report.inventory.alembic_envs.push_back(
        {location(in), in.string(8), in.string(8)});
  }
  if (in.byte() & 1) {
    report.deployment.platform = in.string(16);
    report.deployment.evidence.push_back({in.string(24), location(in)});
    report.deployment.processes.push_back({in.string(24), location(in)});
    report.deployment.poolers.push_back({in.string(24), location(in)});
    report.deployment.versions.push_back({in.string(24), location(in)});
    report.deployment.budget.push_back({in.string(24), location(in)});
  }
  for (uint32_t i = in.number(3); i > 0; --i) {
    core::Check check;
    check.id = in.string(8);
    check.title = in.string(16);
    check.rules.push_back(in.string(6));
    check.status = static_cast<core::CheckStatus>(in.byte() % 3);
    check.findings = in.number(4);
    check.detail = in.string(16);
    report.checks.push_back(std::move(check));
  }
  for (const std::string &code : rule_codes) {
    report.rules.push_back({code, "rule-name", core::Severity::kWarning, true,
                            "summary", "explanation", "fix"});
  }
  report.summary.errors = in.number(3);
  report.summary.files = in.number(100);
  // Whatever is left goes into one more message: long runs of raw bytes.
  if (!report.findings.empty())
    report.findings.front().message += in.rest();

  for (const bool color : {false, true}) {
    std::ostringstream text;
    report::write_text(report, {color, false}, text);
  }
  std::ostringstream markdown;
  report::write_markdown(report, markdown);

  std::ostringstream json;
  report::write_json(report, json);
  const auto j = nlohmann::json::parse(json.str(), nullptr, false);
  expect(!j.is_discarded(), "reporters", "json: not valid JSON");
  if (!j.is_discarded()) {
    expect(j["findings"].size() == report.findings.size(), "reporters",
           "json: findings lost");
    expect(j["diagnostics"].size() == report.diagnostics.size(), "reporters",
           "json: diagnostics lost");
  }

  std::ostringstream sarif;
  report::write_sarif(report, sarif);
  const auto s = nlohmann::json::parse(sarif.str(), nullptr, false);
  expect(!s.is_discarded(), "reporters", "sarif: not valid JSON");

  std::ostringstream gitlab;
  report::write_gitlab(report, gitlab);
  const auto g = nlohmann::json::parse(gitlab.str(), nullptr, false);
  expect(!g.is_discarded() && g.is_array(), "reporters",
         "gitlab: not a JSON array");

  std::ostringstream github;
  report::write_github(report, github);
  size_t lines = 0;
  std::istringstream commands(github.str());
  for (std::string line; std::getline(commands, line); ++lines) {
    expect(line.starts_with("::"), "reporters",
           "github: a line that is not a workflow command");
  }
  expect(lines == unsuppressed(report.findings) + report.diagnostics.size(),
         "reporters", "github: not one command per finding");
  return 0;
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::reporters)
