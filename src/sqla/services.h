#pragma once
// Services in one repository: a Lambda function in lambda/ and a gunicorn app in web/ run in
// different places, with their own processes, connection budgets and dependency versions. A service
// is the nearest directory above a file (up to the audit root) that holds its own manifest
// (pyproject.toml, requirements*.txt, setup.cfg, setup.py, Pipfile, lock files) or deployment files
// (serverless.yml, template.yaml, Dockerfile, compose, Procfile, fly.toml, render.yaml, app.yaml,
// zappa, Chalice, vercel.json); the audit root is one as the fallback. A directory without Python
// code below it is never a service: docker/Dockerfile or infra/ deploy the code of the one above.
//
// Code shared by several services (a package at the root that the Lambda service and the gunicorn
// service both import) is judged in the context of the service it lives in, never in that of an
// importer: a CI gate must not report a Lambda finding (PA104) on shared code unless its engine is
// used from the Lambda, and which importer uses which engine is not followed yet. So a shared
// root that deploys nothing gets no deployment-specific finding (a known miss, written down as a
// todo-expect in fixtures/projects/monorepo_services/shared/orders_db.py) rather than a guess.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqla/facts.h"

namespace sqla {

/// The files in `directory` that make it a service (manifests, service deployment files), by name.
using MarkersOf = std::function<std::vector<std::string>(const std::string& directory)>;

/// The audit root that holds `path` (the deepest); "" (the current directory) when none does.
std::string audit_root_of(const std::vector<std::string>& roots, std::string_view path);

/// The services of the Python files `python_paths` (display paths): the audit root of each, and
/// every directory between a file and its root that `markers_of` gives markers. Sorted by path.
std::vector<Service> find_services(const std::vector<std::string>& python_paths, const std::vector<std::string>& roots,
                                   const MarkersOf& markers_of);

/// Markers on disk: manifests in the directory, and the service deployment files among
/// `deployment_paths` (the walked deployment files, display paths) that belong to it.
MarkersOf disk_markers(const std::vector<std::string>& deployment_paths);

/// The deepest service whose directory is `directory` or holds it; nullopt when none does.
std::optional<size_t> service_holding(const std::vector<Service>& services, std::string_view directory);

/// Sets each file's service (FileFacts::service).
void assign_files_to_services(ProjectFacts& facts);

/// `gathered`, the project's deployment facts before processes are resolved, shared out: each piece
/// of evidence, process, environment variable and import-time connect goes to the service whose
/// code it deploys (its `code_dir`, else its file's directory); pieces outside every service, the
/// poolers and the database server the project runs go to all. Fills Service::deployment.
void split_deployment(ProjectFacts& facts, const DeploymentFacts& gathered);

/// The directory `relative` names from the directory `base` ("./api" from "" is "api"); "" when
/// it is `base` itself or leaves the tree (`..`).
std::string code_directory(const std::string& base, std::string_view relative);

}  // namespace sqla
