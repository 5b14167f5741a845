#pragma once
// The project around the audited files: its root and the library versions it targets, read from
// dependency files (requirements*.txt, pyproject.toml, poetry.lock, uv.lock, Pipfile.lock, setup.cfg).
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "sqla/facts.h"

namespace sqla {

/// The nearest directory at or above `path` holding pyproject.toml, setup.cfg, alembic.ini or .git;
/// "" when there is none.
std::string find_project_root(const std::string& path);

/// The lowest version a requirement specifier admits: "==1.4.46" -> 1.4.46, ">=2.0,<3" -> 2.0.0,
/// "~=1.4" -> 1.4.0, "^2.0.1" -> 2.0.1; nullopt for no lower bound ("<2", "*", "").
std::optional<Version> lowest_version(std::string_view specifier);

/// Reads the dependency files of `root`; problems become PA003 diagnostics in `diagnostics`.
ProjectContext read_project_context(const std::string& root, std::vector<core::Finding>& diagnostics);

/// The versions the dependency files of one directory declare (requirements*.txt and
/// requirements/*.txt, pyproject.toml, setup.cfg; poetry.lock, uv.lock, Pipfile.lock win).
DependencyVersions read_dependency_versions(const std::string& directory, std::vector<core::Finding>& diagnostics);

/// True when `directory` holds a dependency file read_dependency_versions() reads.
bool has_dependency_files(const std::string& directory);

/// The nearest directory from `from` up to `stop` (both included; "" stop: `from` only) whose
/// dependency files declare SQLAlchemy, Flask-SQLAlchemy or FastAPI; "" when none does.
std::string nearest_dependency_directory(const std::string& from, const std::string& stop);

}  // namespace sqla
