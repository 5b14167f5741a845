#include "sqla/project_context.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <toml++/toml.h>

namespace sqla {
namespace fs = std::filesystem;
namespace {

/// PEP 503 normalisation: lower case, runs of -_. become one '-'.
std::string normalize(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '_' || c == '.' || c == '-') {
      if (!out.empty() && out.back() != '-') out += '-';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

struct Found {
  std::optional<Version> version;
  std::string origin;
};

/// "requirements.txt:4" -> a location on line 4; "pyproject.toml" -> the file without a line.
core::Location origin_location(const std::string& origin) {
  const size_t colon = origin.rfind(':');
  if (colon != std::string::npos && colon + 1 < origin.size() &&
      std::all_of(origin.begin() + static_cast<std::ptrdiff_t>(colon) + 1, origin.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    const auto line = static_cast<uint32_t>(std::stoul(origin.substr(colon + 1)));
    return core::Location{origin.substr(0, colon), {{line, 1}, {line, 1}}};
  }
  return core::Location{origin, {}};
}

struct Collector {
  Found sqlalchemy;
  Found flask_sqlalchemy;
  Found fastapi;
  std::vector<Dependency>* names = nullptr;  ///< when set, every declared name is recorded
  /// Records `name spec` found at `origin`; the first source of a priority level wins.
  void add(std::string_view name, std::string_view spec, const std::string& origin) {
    const std::string n = normalize(name);
    if (names && !n.empty()) names->push_back(Dependency{n, origin_location(origin)});
    Found* slot = n == "sqlalchemy"         ? &sqlalchemy
                  : n == "flask-sqlalchemy" ? &flask_sqlalchemy
                  : n == "fastapi"          ? &fastapi
                                            : nullptr;
    if (!slot || slot->version) return;
    if (auto v = lowest_version(spec)) *slot = Found{v, origin};
  }
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `name[extras] spec ; markers` (PEP 508, without URLs).
void add_requirement(Collector& c, std::string_view line, const std::string& origin) {
  const size_t hash = line.find(" #");
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  const size_t semi = line.find(';');
  if (semi != std::string_view::npos) line = line.substr(0, semi);
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos || line[i] == '-' || line[i] == '#') return;
  size_t j = i;
  while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) || line[j] == '-' || line[j] == '_' || line[j] == '.')) ++j;
  const std::string_view name = line.substr(i, j - i);
  if (j < line.size() && line[j] == '[') {
    const size_t close = line.find(']', j);
    j = close == std::string_view::npos ? line.size() : close + 1;
  }
  c.add(name, line.substr(j), origin);
}

void read_requirements(Collector& c, const fs::path& file, const std::string& display) {
  std::ifstream in(file);
  std::string line;
  uint32_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    add_requirement(c, line, display + ":" + std::to_string(n));
  }
}

std::optional<toml::table> parse_toml(const fs::path& file, const std::string& display,
                                      std::vector<core::Finding>& diagnostics) {
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    core::Finding f;
    f.code = "PA003";
    f.name = "configuration-problem";
    f.severity = core::Severity::kWarning;
    const auto& b = e.source().begin;
    f.where = core::Location{display, {{static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)},
                                       {static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)}}};
    f.message = "cannot parse " + display + ": " + std::string(e.description()) + "; versions declared there are ignored";
    f.fix = "Fix the TOML syntax";
    diagnostics.push_back(std::move(f));
    return std::nullopt;
  }
}

void read_pyproject(Collector& c, const fs::path& file, const std::string& display, std::vector<core::Finding>& diagnostics) {
  auto doc = parse_toml(file, display, diagnostics);
  if (!doc) return;
  auto strings = [&](const toml::array* deps) {
    if (!deps) return;
    for (const auto& d : *deps) {
      if (auto s = d.value<std::string>()) add_requirement(c, *s, display);
    }
  };
  strings((*doc)["project"]["dependencies"].as_array());
  if (auto* optional = (*doc)["project"]["optional-dependencies"].as_table()) {
    for (const auto& [group, deps] : *optional) strings(deps.as_array());
  }
  auto poetry = [&](const toml::table* deps) {
    if (!deps) return;
    for (const auto& [name, spec] : *deps) {
      const std::string& origin = display;
      if (auto s = spec.value<std::string>()) c.add(name.str(), *s, origin);
      else if (auto* t = spec.as_table()) {
        if (auto v = (*t)["version"].value<std::string>()) c.add(name.str(), *v, origin);
        else c.add(name.str(), "", origin);  // a git or path dependency: the name still counts
      }
    }
  };
  poetry((*doc)["tool"]["poetry"]["dependencies"].as_table());
  if (auto* groups = (*doc)["tool"]["poetry"]["group"].as_table()) {
    for (const auto& [group, body] : *groups) {
      if (auto* t = body.as_table()) poetry((*t)["dependencies"].as_table());
    }
  }
}

void read_lock(Collector& c, const fs::path& file, const std::string& display, std::vector<core::Finding>& diagnostics) {
  auto doc = parse_toml(file, display, diagnostics);
  if (!doc) return;
  if (auto* packages = (*doc)["package"].as_array()) {
    for (const auto& p : *packages) {
      const auto* t = p.as_table();
      if (!t) continue;
      auto name = (*t)["name"].value<std::string>();
      auto version = (*t)["version"].value<std::string>();
      if (name && version) c.add(*name, "==" + *version, display);
    }
  }
}

void read_pipfile_lock(Collector& c, const fs::path& file, const std::string& display) {
  const auto doc = nlohmann::json::parse(read_text(file), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return;
  for (const char* section : {"default", "develop"}) {
    if (!doc.contains(section) || !doc[section].is_object()) continue;
    for (const auto& [name, body] : doc[section].items()) {
      if (body.is_object() && body.contains("version") && body["version"].is_string()) {
        c.add(name, body["version"].get<std::string>(), display);
      }
    }
  }
}

void read_setup_cfg(Collector& c, const fs::path& file, const std::string& display) {
  std::ifstream in(file);
  std::string line;
  bool in_requires = false;
  uint32_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (line.rfind("install_requires", 0) == 0) {
      in_requires = true;
      const size_t eq = line.find('=');
      if (eq != std::string::npos) add_requirement(c, std::string_view(line).substr(eq + 1), display + ":" + std::to_string(n));
      continue;
    }
    if (in_requires && indented) add_requirement(c, line, display + ":" + std::to_string(n));
    else if (!line.empty()) in_requires = false;
  }
}

}  // namespace

std::optional<Version> lowest_version(std::string_view spec) {
  // Take the first clause that sets a lower bound: ==, ===, >=, ~=, ^, ~ or a bare version.
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    std::string_view clause = spec.substr(0, comma);
    const size_t b = clause.find_first_not_of(" \t\"'(");
    if (b != std::string_view::npos) {
      clause = clause.substr(b);
      std::string_view digits;
      for (std::string_view op : {"===", "==", ">=", "~=", "^", "~", ">"}) {
        if (clause.rfind(op, 0) == 0) {
          digits = clause.substr(op.size());
          if (op == ">") {
            digits = {};  // a strict lower bound names no usable version
          }
          break;
        }
      }
      if (digits.empty() && !clause.empty() && std::isdigit(static_cast<unsigned char>(clause[0]))) digits = clause;
      const size_t d = digits.find_first_not_of(" \t");
      if (d != std::string_view::npos) {
        if (auto v = Version::parse(digits.substr(d))) return v;
      }
    }
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

std::string find_project_root(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec).lexically_normal();
  if (!fs::is_directory(p, ec)) p = p.parent_path();
  for (int depth = 0; depth < 64 && !p.empty(); ++depth) {
    for (const char* marker : {"pyproject.toml", "setup.cfg", "alembic.ini", ".git"}) {
      if (fs::exists(p / marker, ec)) return p.string();
    }
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  return {};
}

ProjectContext read_project_context(const std::string& root, std::vector<core::Finding>& diagnostics) {
  ProjectContext context;
  context.root = root;
  if (root.empty()) return context;
  static_cast<DependencyVersions&>(context) = read_dependency_versions(root, diagnostics);
  return context;
}

// Versions per service (issue 13 cause 8): the dependency files nearest a file, the audited
// directory included even without a project marker.

bool has_dependency_files(const std::string& directory) {
  const fs::path dir(directory);
  std::error_code ec;
  for (const char* name : {"pyproject.toml", "setup.cfg", "poetry.lock", "uv.lock", "Pipfile.lock"}) {
    if (fs::is_regular_file(dir / name, ec)) return true;
  }
  if (fs::is_directory(dir / "requirements", ec)) return true;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("requirements", 0) == 0 && it->path().extension() == ".txt") return true;
  }
  return false;
}

std::string nearest_dependency_directory(const std::string& from, const std::string& stop) {
  std::error_code ec;
  fs::path dir = fs::absolute(from.empty() ? "." : from, ec).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  fs::path last = stop.empty() ? dir : fs::absolute(stop, ec).lexically_normal();
  if (!last.has_filename()) last = last.parent_path();
  // `stop` must hold `from`; otherwise only `from` itself is looked at.
  const std::string rel = dir.lexically_relative(last).generic_string();
  if (rel.empty() || rel.rfind("..", 0) == 0) last = dir;
  for (int depth = 0; depth < 64; ++depth) {
    if (has_dependency_files(dir.string())) {
      // Files that declare none of the versions (a requirements.txt of a frontend tool) do not
      // hide the project's.
      std::vector<core::Finding> ignored;
      if (!read_dependency_versions(dir.string(), ignored).empty()) return dir.string();
    }
    if (dir == last || dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return {};
}

DependencyVersions read_dependency_versions(const std::string& directory, std::vector<core::Finding>& diagnostics) {
  DependencyVersions context;
  const fs::path dir(directory);
  std::error_code ec;
  auto display = [&](const fs::path& p) {
    fs::path rel = p.lexically_relative(fs::current_path(ec));
    return (rel.empty() || rel.native().rfind("..", 0) == 0 ? p : rel).generic_string();
  };
  // Lock files pin exact versions: they win over ranges in requirements and pyproject.
  Collector locked;
  for (const char* lock : {"poetry.lock", "uv.lock"}) {
    if (fs::exists(dir / lock, ec)) read_lock(locked, dir / lock, display(dir / lock), diagnostics);
  }
  if (fs::exists(dir / "Pipfile.lock", ec)) read_pipfile_lock(locked, dir / "Pipfile.lock", display(dir / "Pipfile.lock"));
  Collector declared;
  declared.names = &context.dependencies;
  std::vector<fs::path> requirements;
  for (const fs::path& d : {dir, dir / "requirements"}) {
    for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (it->is_regular_file(ec) && name.rfind("requirements", 0) == 0 && it->path().extension() == ".txt") {
        requirements.push_back(it->path());
      } else if (d != dir && it->is_regular_file(ec) && it->path().extension() == ".txt") {
        requirements.push_back(it->path());
      }
    }
    ec.clear();
  }
  std::sort(requirements.begin(), requirements.end());
  for (const fs::path& r : requirements) read_requirements(declared, r, display(r));
  if (fs::exists(dir / "pyproject.toml", ec)) read_pyproject(declared, dir / "pyproject.toml", display(dir / "pyproject.toml"), diagnostics);
  if (fs::exists(dir / "setup.cfg", ec)) read_setup_cfg(declared, dir / "setup.cfg", display(dir / "setup.cfg"));
  const Found& sa = locked.sqlalchemy.version ? locked.sqlalchemy : declared.sqlalchemy;
  const Found& fsa = locked.flask_sqlalchemy.version ? locked.flask_sqlalchemy : declared.flask_sqlalchemy;
  context.sqlalchemy = sa.version;
  context.sqlalchemy_origin = sa.origin;
  context.flask_sqlalchemy = fsa.version;
  context.flask_sqlalchemy_origin = fsa.origin;
  const Found& fastapi = locked.fastapi.version ? locked.fastapi : declared.fastapi;
  context.fastapi = fastapi.version;
  context.fastapi_origin = fastapi.origin;
  return context;
}

}  // namespace sqla
