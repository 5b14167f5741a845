#pragma once
// The deployment-file targets share this: the input's first byte picks the file
// name (the reader is chosen by name, as the walker does), the rest is the
// file. Properties: a diagnostic is a PA003 about this file; every location the
// reader records is in this file, on one of its lines; the merged facts,
// budgets and --dump-facts printer take whatever the reader produced.
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "core/source_file.h"
#include "fuzz_support.h"
#include "sqla/deployment.h"

namespace fuzz {

inline void check_location(std::string_view target,
                           const core::SourceFile &source,
                           const core::Location &where) {
  if (!where.valid())
    return;
  expect(where.path == source.path(), target,
         "a location names another file: " + where.path);
  expect(where.range.begin.line <= source.line_count() + 1, target,
         "a location past the last line: " +
             std::to_string(where.range.begin.line));
}

inline int read_deployment(std::string_view target,
                           std::initializer_list<const char *> names,
                           const uint8_t *data, size_t size) {
  Bytes in(data, size);
  const std::string name = *(names.begin() + in.byte() % names.size());
  const core::SourceFile source(name, std::string(in.rest()));
  expect(sqla::is_deployment_file(name), target,
         "not a deployment file name: " + name);
  std::vector<core::Finding> diagnostics;
  sqla::DeploymentFacts facts = sqla::read_deployment_file(source, diagnostics);
  for (const core::Finding &d : diagnostics) {
    expect(d.code == "PA003", target,
           "a diagnostic other than PA003: " + d.code);
    check_location(target, source, d.where);
  }
  for (const auto &e : facts.serverless)
    check_location(target, source, e.where);
  for (const auto &e : facts.servers)
    check_location(target, source, e.where);
  for (const auto &p : facts.processes)
    check_location(target, source, p.where);
  for (const auto &p : facts.poolers)
    check_location(target, source, p.where);
  for (const auto &v : facts.env)
    check_location(target, source, v.where);

  sqla::ProjectFacts project;
  std::vector<std::string> names_seen;
  for (const auto &v : facts.env)
    names_seen.push_back(v.name);
  std::vector<sqla::DeploymentFacts> files;
  files.push_back(std::move(facts));
  sqla::merge_deployment(project, std::move(files), {"."});
  for (const std::string &variable : names_seen)
    (void)sqla::environment_url(project.deployment, variable, name);
  (void)sqla::connection_budgets(project);
  (void)sqla::platform_summary(project);
  (void)sqla::concurrent_workers(project.deployment);
  std::ostringstream dumped;
  sqla::dump(project.deployment, dumped);
  return 0;
}

} // namespace fuzz
