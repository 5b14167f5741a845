#pragma once
// Runs one rule over a one-file project (app/db.py), with the project context and deployment
// facts a test sets up: for what annotated fixtures cannot say (severities, wording, notes).
#include <doctest/doctest.h>

#include <optional>
#include <string_view>
#include <vector>

#include "core/source_file.h"
#include "py/grammar.h"
#include "rules/rule.h"
#include "sqla/facts.h"
#include "ts/tree.h"

namespace tests {

/// The project around the file: target SQLAlchemy version and deployment facts.
struct RuleSetup {
  std::optional<sqla::Version> version;
  sqla::DeploymentFacts deployment;
};

inline std::vector<core::Finding> run_rule(std::string_view code, const char* text, const RuleSetup& setup = {}) {
  core::SourceFile source{"app/db.py", text};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(source.text());
  sqla::ProjectFacts facts;
  facts.context.sqlalchemy = setup.version;
  facts.deployment = setup.deployment;
  facts.files.push_back(sqla::analyze_python(source, tree.root(), "app.db", false, facts.context));
  sqla::resolve_project(facts);
  const rules::Rule* rule = rules::find_rule(code);
  REQUIRE(rule != nullptr);
  std::vector<core::Finding> out;
  core::Sink sink(rule->info, out);
  rule->check(facts, sink);
  return out;
}

}  // namespace tests
