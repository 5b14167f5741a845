#pragma once
// Versions per service: in a repository holding several services (backend/ and worker/, each with
// its own requirements.txt), the SQLAlchemy version of a file is the one its service declares.
#include <string>

#include "sqla/facts.h"

namespace sqla {

/// The versions for files in `directory`: those of the nearest dependency files between it and
/// `audit_root` (both included), with the configuration's `sqlalchemy-version` over them: that of
/// `service`'s own configuration when it has one (services.h), else the project's. nullopt when
/// no such file declares a version and no configuration of its own sets one (the project's apply).
std::optional<DependencyVersions> service_versions(const std::string& directory, const std::string& audit_root,
                                                   const ProjectContext& project, const Service* service = nullptr);

/// Gives every file whose service declares other versions than the project's its own
/// (FileFacts::versions), read once per directory.
void assign_service_versions(ProjectFacts& facts);

}  // namespace sqla
