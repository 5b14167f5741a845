#pragma once
// One project of Python modules, analysed and resolved in the order the app's pipeline uses
// (analyze_python per file, merge_deployment, resolve_project): the model tests' common fixture.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/source_file.h"
#include "py/grammar.h"
#include "sqla/deployment.h"
#include "sqla/facts.h"
#include "sqla/project_context.h"
#include "ts/tree.h"

namespace tests {

/// (file, code) pairs: the file is a path ("app/db.py") or a module name ("app.db").
using PythonSources = std::vector<std::pair<std::string, std::string>>;

/// A project of `files` with `context` and the deployment facts of its other files, resolved.
/// Files under tests/ have the test role.
inline sqla::ProjectFacts project_of(const PythonSources& files, sqla::ProjectContext context = {},
                                     sqla::DeploymentFacts deployment = {}) {
  sqla::ProjectFacts project;
  project.context = std::move(context);
  project.deployment = std::move(deployment);
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  for (const auto& [file, code] : files) {
    std::string path = file;
    std::string module = file;
    if (file.ends_with(".py")) {
      module = file.substr(0, file.size() - 3);
      for (char& c : module) c = c == '/' ? '.' : c;
    } else {
      for (char& c : path) c = c == '.' ? '/' : c;
      path += ".py";
    }
    const core::SourceFile source(path, code);
    ts::Tree tree = parser.parse(source.text());
    project.files.push_back(
        sqla::analyze_python(source, tree.root(), module, false, project.context));
    if (path.starts_with("tests/")) {
      sqla::set_role(project.files.back(), core::FileRole::kTest, "tests/");
    }
  }
  sqla::merge_deployment(project, {}, {});
  sqla::resolve_project(project);
  return project;
}

}  // namespace tests
