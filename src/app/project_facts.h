#pragma once
// Stage "project facts": every file's facts moved into sqla::ProjectFacts in walk order, deployment
// files merged (evidence in code covering what is below the audited roots).
#include <functional>
#include <string>
#include <vector>

#include "app/file_facts.h"
#include "sqla/facts.h"

namespace app {

/// The audited directories as displayed (a file's directory when a file was named): deployment
/// evidence found in Python code covers everything below its root.
std::vector<std::string> audit_roots(const std::vector<std::string>& paths);

/// Gives a service its own configured context (apply_service_settings), before its processes
/// are resolved.
using ConfigureService = std::function<void(sqla::Service&)>;

/// Moves the facts of `results` into `facts`, in walk order; deployment files are merged into the
/// project's deployment facts, evidence in code covering what is below `roots`. Each service
/// starts with the project's configured context, then `configure` (when given) sets its own.
void collect_facts(const std::vector<InputFile>& files, std::vector<FileResult>& results, sqla::ProjectFacts& facts,
                   const std::vector<std::string>& roots, const ConfigureService& configure = {});

}  // namespace app
