#include "sqla/service_versions.h"

#include <map>
#include <memory>

#include "core/text.h"
#include "sqla/project_context.h"
#include "sqla/services.h"

namespace sqla {
namespace {

bool same(const DependencyVersions& a, const DependencyVersions& b) {
  return a.sqlalchemy == b.sqlalchemy && a.sqlalchemy_origin == b.sqlalchemy_origin &&
         a.flask_sqlalchemy == b.flask_sqlalchemy && a.flask_sqlalchemy_origin == b.flask_sqlalchemy_origin &&
         a.fastapi == b.fastapi && a.fastapi_origin == b.fastapi_origin;
}

bool from_configuration(const std::string& origin) { return origin.rfind("config", 0) == 0; }

}  // namespace

std::optional<DependencyVersions> service_versions(const std::string& directory, const std::string& audit_root,
                                                   const ProjectContext& project, const Service* service) {
  const std::string nearest = nearest_dependency_directory(directory, audit_root);
  std::optional<DependencyVersions> versions;
  if (!nearest.empty()) {
    std::vector<core::Finding> ignored;  // the project's own files report their problems once
    versions = read_dependency_versions(nearest, ignored);
  }
  // `sqlalchemy-version` is the user's word for the files its configuration applies to: a
  // service under a configuration of its own takes that one's (or, when it sets none, its
  // dependency files'), every other file the project's.
  if (service && service->own_configuration) {
    if (!service->config_sqlalchemy) {
      if (versions || !from_configuration(project.sqlalchemy_origin)) return versions;
      versions = static_cast<const DependencyVersions&>(project);
      versions->sqlalchemy.reset();  // the project's figure is its configuration's, not this service's
      versions->sqlalchemy_origin.clear();
      return versions;
    }
    if (!versions) versions = static_cast<const DependencyVersions&>(project);
    versions->sqlalchemy = service->config_sqlalchemy;
    versions->sqlalchemy_origin = service->config_sqlalchemy_origin;
    return versions;
  }
  if (versions && from_configuration(project.sqlalchemy_origin)) {
    versions->sqlalchemy = project.sqlalchemy;
    versions->sqlalchemy_origin = project.sqlalchemy_origin;
  }
  return versions;
}

void assign_service_versions(ProjectFacts& facts) {
  std::map<std::string, std::shared_ptr<const DependencyVersions>> by_directory;
  for (FileFacts& file : facts.files) {
    const std::string directory = core::dirname(file.path);
    auto it = by_directory.find(directory);
    if (it == by_directory.end()) {
      std::shared_ptr<const DependencyVersions> found;
      const std::string root = audit_root_of(facts.context.audit_roots, file.path);
      const Service* service = facts.services.size() > 1 && file.service < facts.services.size()
                                   ? &facts.services[file.service]
                                   : nullptr;
      if (auto versions = service_versions(directory, root, facts.context, service);
          versions && !same(*versions, facts.context)) {
        found = std::make_shared<const DependencyVersions>(std::move(*versions));
      }
      it = by_directory.emplace(directory, std::move(found)).first;
    }
    file.versions = it->second;
  }
}

}  // namespace sqla
