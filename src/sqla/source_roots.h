#pragma once
// The directories a project puts on sys.path besides the one it is run from: conventional names
// (src/, backend/, server/, api/) and those its build or deployment files declare. Module names
// and their aliases are computed below them (module_table.h).
#include <string>
#include <string_view>
#include <vector>

namespace sqla {

/// True for the directory names projects keep importable code in: src, backend, server, api.
bool conventional_source_root(std::string_view directory_name);

/// The import roots the build and deployment files in `dir` declare, as absolute normal paths:
/// pyproject.toml (`[tool.setuptools.packages.find] where`, `[tool.setuptools] package-dir`,
/// `[tool.poetry] packages = [{include, from}]`), setup.cfg (`[options] package_dir`), and the
/// `CodeUri` of an AWS SAM template.yaml / template.yml (Lambda imports from the CodeUri).
std::vector<std::string> declared_source_roots(const std::string& dir);

}  // namespace sqla
