#include "sqla/roles.h"

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace sqla {
namespace {

using core::FileRole;

/// The directory components of a '/'-separated path ("a/b/c.py" -> a, b),
/// lower-cased.
std::vector<std::string> directories(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', start)) {
    if (slash > start)
      out.push_back(core::lower(path.substr(start, slash - start)));
    start = slash + 1;
  }
  return out;
}

/// The first directory among `dirs` named one of `names`, or "".
template <size_t N>
std::string first_dir(const std::vector<std::string> &dirs,
                      const std::string_view (&names)[N]) {
  for (const std::string &d : dirs) {
    if (std::find(std::begin(names), std::end(names), d) != std::end(names))
      return d;
  }
  return {};
}

/// A line of `text` starts with `prefix` (after indentation): an import, not a
/// mention in a string.
bool has_line_starting(std::string_view text, std::string_view prefix) {
  for (size_t at = text.find(prefix); at != std::string_view::npos;
       at = text.find(prefix, at + 1)) {
    size_t begin = at;
    while (begin > 0 && (text[begin - 1] == ' ' || text[begin - 1] == '\t'))
      --begin;
    if (begin == 0 || text[begin - 1] == '\n')
      return true;
  }
  return false;
}

/// `name = ...` or `name: T = ...` at the start of a line (a module-level
/// assignment, roughly).
bool has_assignment(std::string_view text, std::string_view name) {
  return has_line_starting(text, std::string(name) + " =") ||
         has_line_starting(text, std::string(name) + ":");
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// Directory names. `test`/`tests` hold test suites; `testing` is often a
// production helper package.
constexpr std::string_view kTestDirs[] = {
    "tests", "test", "unit_tests", "integration_tests", "functional_tests"};
// FastAPI's docs_src, Sphinx docs/ and doc/, examples, tutorials: code shown to
// readers, not deployed.
constexpr std::string_view kExampleDirs[] = {
    "docs_src", "docs",      "doc",     "examples", "example",
    "tutorial", "tutorials", "samples", "sample",   "cookbook"};
// Alembic's script directory (alembic/, migrations/ with env.py and versions/)
// and Django's migrations.
constexpr std::string_view kMigrationDirs[] = {"alembic", "migrations",
                                               "migration", "versions"};
constexpr std::string_view kScriptDirs[] = {"scripts", "bin"};

} // namespace

RoleGuess classify_role(std::string_view path, std::string_view text) {
  const std::string_view file = core::basename(path);
  if (file == "conftest.py")
    return {FileRole::kTest, "conftest.py"};
  if (ends_with(file, ".py") &&
      (file.rfind("test_", 0) == 0 || ends_with(file, "_test.py") ||
       file == "tests.py")) {
    return {FileRole::kTest,
            "file name " + std::string(file.rfind("test_", 0) == 0 ? "test_*.py"
                                       : file == "tests.py"        ? "tests.py"
                                                            : "*_test.py")};
  }
  const std::vector<std::string> dirs = directories(path);
  if (file == "alembic.ini")
    return {FileRole::kMigration, "alembic.ini"};
  // An Alembic revision file declares both identifiers at module level,
  // wherever it lives.
  if (has_assignment(text, "down_revision") &&
      has_assignment(text, "revision")) {
    return {FileRole::kMigration, "Alembic revision (down_revision)"};
  }
  if (file == "env.py" && text.find("alembic") != std::string_view::npos)
    return {FileRole::kMigration, "Alembic env.py"};
  std::string dir = first_dir(dirs, kMigrationDirs);
  // versions/ alone is too common a name; it is Alembic's only below alembic/
  // or migrations/.
  if (!dir.empty() && dir != "versions")
    return {FileRole::kMigration, "under " + dir + "/"};
  dir = first_dir(dirs, kTestDirs);
  if (!dir.empty())
    return {FileRole::kTest, "under " + dir + "/"};
  if (has_line_starting(text, "import pytest") ||
      has_line_starting(text, "from pytest ") ||
      has_line_starting(text, "from _pytest")) {
    return {FileRole::kTest, "imports pytest"};
  }
  if (text.find("unittest.TestCase") != std::string_view::npos ||
      has_line_starting(text, "from unittest import TestCase") ||
      has_line_starting(text, "from unittest import IsolatedAsyncioTestCase")) {
    return {FileRole::kTest, "unittest.TestCase"};
  }
  dir = first_dir(dirs, kExampleDirs);
  if (!dir.empty())
    return {FileRole::kExample, "under " + dir + "/"};
  dir = first_dir(dirs, kScriptDirs);
  if (!dir.empty())
    return {FileRole::kScript, "under " + dir + "/"};
  if (file == "manage.py")
    return {FileRole::kScript, "manage.py"};
  return {};
}

std::string_view role_path(const std::vector<std::string> &audit_roots,
                           std::string_view path) {
  std::string_view best = path;
  for (const std::string &root : audit_roots) {
    if (root.empty() || path.size() <= root.size() + 1 ||
        path.rfind(root, 0) != 0 || path[root.size()] != '/')
      continue;
    const std::string_view rest = path.substr(root.size() + 1);
    if (rest.size() < best.size())
      best = rest;
  }
  return best;
}

bool mentions_leaks(std::string_view text) {
  return core::lower(text).find("leak") != std::string::npos ||
         text.find("ResourceWarning") != std::string_view::npos ||
         text.find("gc.collect") != std::string_view::npos ||
         text.find("weakref") != std::string_view::npos;
}

} // namespace sqla
