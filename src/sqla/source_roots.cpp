#include "sqla/source_roots.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <toml++/toml.h>

#include "core/text.h"

namespace sqla {
namespace fs = std::filesystem;
namespace {

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\"'");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\"'");
  return s.substr(b, e - b + 1);
}

void add_root(std::vector<std::string>& out, const fs::path& dir, std::string_view relative) {
  relative = trim(relative);
  if (relative.empty() || relative == "." || relative.front() == '/' || relative.find("..") != std::string_view::npos) {
    return;
  }
  std::string root = (dir / fs::path(std::string(relative))).lexically_normal().generic_string();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (std::find(out.begin(), out.end(), root) == out.end()) out.push_back(std::move(root));
}

void read_pyproject(const fs::path& dir, std::vector<std::string>& out) {
  toml::table doc;
  try {
    doc = toml::parse_file((dir / "pyproject.toml").string());
  } catch (const toml::parse_error&) {
    return;  // project_context.cpp reports the syntax error
  }
  if (auto* where = doc["tool"]["setuptools"]["packages"]["find"]["where"].as_array()) {
    for (const auto& w : *where) {
      if (auto s = w.value<std::string>()) add_root(out, dir, *s);
    }
  }
  if (auto* package_dir = doc["tool"]["setuptools"]["package-dir"].as_table()) {
    // {"" = "src"} puts src/ on the path; {"pkg" = "lib/pkg"} maps one package: its parent.
    for (const auto& [package, path] : *package_dir) {
      auto s = path.value<std::string>();
      if (!s) continue;
      if (package.str().empty()) add_root(out, dir, *s);
      else add_root(out, dir, fs::path(*s).parent_path().generic_string());
    }
  }
  if (auto* packages = doc["tool"]["poetry"]["packages"].as_array()) {
    for (const auto& p : *packages) {
      if (auto* t = p.as_table()) {
        if (auto from = (*t)["from"].value<std::string>()) add_root(out, dir, *from);
      }
    }
  }
}

void read_setup_cfg(const fs::path& dir, std::vector<std::string>& out) {
  std::ifstream in(dir / "setup.cfg");
  std::string line;
  std::string section;
  bool in_package_dir = false;
  while (std::getline(in, line)) {
    const std::string_view text = trim(line);
    if (text.starts_with("[")) {
      section = std::string(text);
      in_package_dir = false;
      continue;
    }
    if (section != "[options]") continue;
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    std::string_view entry = text;
    if (!indented) {
      in_package_dir = entry.starts_with("package_dir");
      if (!in_package_dir) continue;
      const size_t eq = entry.find('=');
      entry = eq == std::string_view::npos ? std::string_view() : trim(entry.substr(eq + 1));
    } else if (!in_package_dir) {
      continue;
    }
    // `=src` (the root package) or `pkg = lib/pkg`.
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view package = trim(entry.substr(0, eq));
    const std::string_view path = trim(entry.substr(eq + 1));
    if (package.empty()) add_root(out, dir, path);
    else add_root(out, dir, fs::path(std::string(path)).parent_path().generic_string());
  }
}

void read_sam_template(const fs::path& file, std::vector<std::string>& out) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view text = trim(line);
    if (!text.starts_with("CodeUri:")) continue;
    std::string_view value = trim(text.substr(8));
    const size_t comment = value.find(" #");
    if (comment != std::string_view::npos) value = trim(value.substr(0, comment));
    if (value.starts_with("s3:") || value.ends_with(".zip")) continue;
    add_root(out, file.parent_path(), value);
  }
}

}  // namespace

bool conventional_source_root(std::string_view directory_name) {
  return directory_name == "src" || directory_name == "backend" || directory_name == "server" ||
         directory_name == "api";
}

std::vector<std::string> declared_source_roots(const std::string& dir) {
  std::vector<std::string> out;
  const fs::path base = fs::path(dir).lexically_normal();
  std::error_code ec;
  if (fs::is_regular_file(base / "pyproject.toml", ec)) read_pyproject(base, out);
  if (fs::is_regular_file(base / "setup.cfg", ec)) read_setup_cfg(base, out);
  for (const char* name : {"template.yaml", "template.yml"}) {
    if (fs::is_regular_file(base / name, ec)) read_sam_template(base / name, out);
  }
  return out;
}

}  // namespace sqla
