// The relevance pre-filter (literal scan, imports reached lazily) and single-file runs inside a
// project: both must give exactly the findings of a full run.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "app/analyze.h"
#include "app/prefilter.h"
#include "app/walk.h"
#include "tests/fixtures.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;

#ifdef POOLAUDIT_SANITIZED
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

namespace {

/// Everything a finding says, one line per finding and note.
std::string render(const std::vector<core::Finding>& findings) {
  std::ostringstream out;
  for (const core::Finding& f : findings) {
    out << f.where.path << ":" << f.where.range.begin.line << ":" << f.where.range.begin.column << " " << f.code
        << " " << f.message << "\n";
    for (const core::Note& n : f.notes) {
      out << "  " << n.where.path << ":" << n.where.range.begin.line << ":" << n.where.range.begin.column << " "
          << n.message << "\n";
    }
  }
  return out.str();
}

core::Report audit(const std::vector<std::string>& paths, bool prefilter, int jobs = 1) {
  std::string error;
  auto rules = app::select_rules({"ALL"}, {}, error);
  REQUIRE(rules);
  app::Options options;
  options.paths = paths;
  options.prefilter = prefilter;
  options.jobs = jobs;
  auto report = app::analyze(options, *rules, error);
  REQUIRE_MESSAGE(report, error);
  return *report;
}

/// How many files the run analysed, as the credentials check says ("7 files checked").
std::string files_checked(const core::Report& report) {
  for (const core::Check& check : report.checks) {
    if (check.id == "credentials") return check.detail;
  }
  return "";
}

bool has_root_marker(const fs::path& dir) {
  for (const char* marker : {"pyproject.toml", "setup.cfg", "alembic.ini", ".git"}) {
    if (fs::exists(dir / marker)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("prefilter: literal relevance") {
  CHECK(app::relevant_text("import sqlalchemy as sa\n"));
  CHECK(app::relevant_text("from sqlmodel import create_engine\n"));
  CHECK(app::relevant_text("app.config['SQLALCHEMY_DATABASE_URI'] = x\n"));
  CHECK(app::relevant_text("from .database import SessionLocal\n"));
  CHECK(app::relevant_text("with get_engine().connect() as c: pass\n"));
  CHECK(app::relevant_text("from alembic import context\n"));
  CHECK(app::relevant_text("DATABASE_URL = 'postgresql+asyncpg://u:p@h/db'\n"));
  CHECK(app::relevant_text("URL = \"MySQL://root@localhost/app\"\n"));
  CHECK(app::relevant_text("from fastapi import APIRouter\n"));
  CHECK(app::relevant_text("def handler(event, context):\n    return 1\n"));
  CHECK_FALSE(app::relevant_text("import requests\nURL = 'https://example.com/api'\n"));
  CHECK_FALSE(app::relevant_text("def add(a, b):\n    return a + b\n"));
  CHECK_FALSE(app::relevant_text("x = '{scheme}://host'\n"));
  // Quart is the module `quart`; `quartic` and `quarter` are words (sympy: 22 files).
  CHECK(app::relevant_text("from quart import Quart\n"));
  CHECK(app::relevant_text("import quart\napp = quart.Quart(__name__)\n"));
  CHECK_FALSE(app::relevant_text("def quartic(x):\n    return x**4\n"));
  CHECK_FALSE(app::relevant_text("QUARTER = 3\n"));
  CHECK_FALSE(app::relevant_text(""));
  CHECK(app::contains_word("with open(p) as f:", "with"));
  CHECK(app::contains_word("    yield x", "yield"));
  CHECK_FALSE(app::contains_word("s.startswith('a') or s.endswith('b')", "with"));
  CHECK_FALSE(app::contains_word("yielded = 1", "yield"));
  // A generator entered by `with` in the same file: analysed for PA207, which needs nothing else
  // (not a file that can hold facts: its imports are not followed for it).
  const app::Scan local = app::scan_python("import helpers\ndef g():\n    yield 1\n\nwith g():\n    pass\n", "m", false);
  CHECK(local.local_generator);
  CHECK_FALSE(local.relevant);
  CHECK_FALSE(app::scan_python("def g():\n    yield 1\n", "m", false).local_generator);
  // A `with` and a generator that no line calls again (twisted's tests): nothing for PA207.
  CHECK_FALSE(app::scan_python("def g():\n    yield 1\n\nwith open('f') as f:\n    pass\n", "m", false).local_generator);
  // Decorated generators are context managers (or what the decorator makes them): no generator.
  const app::Scan decorated =
      app::scan_python("@contextmanager\ndef g():\n    yield 1\n\nwith g():\n    pass\n", "m", false);
  CHECK_FALSE(decorated.has_yield);
  CHECK_FALSE(decorated.local_generator);
}

TEST_CASE("prefilter: undecorated generator names, read from logical lines") {
  using V = std::vector<std::string>;
  CHECK(app::plain_generator_names("def g():\n    yield 1\n", false) == V{"g"});
  CHECK(app::plain_generator_names("async def g(): yield 1\n", false) == V{"g"});
  // The yield belongs to the innermost def; nested and method generators count (PA207 reports a
  // local function of any depth); a decorator line right above, comments between, leaves it out.
  CHECK(app::plain_generator_names("def outer():\n    def inner():\n        yield 1\n    return inner\n", false) == V{"inner"});
  CHECK(app::plain_generator_names("class A:\n    def m(self):\n        yield 1\n", false) == V{"m"});
  CHECK(app::plain_generator_names("@contextmanager\n# why\ndef g():\n    yield 1\n", false).empty());
  CHECK(app::plain_generator_names("@pytest.fixture(\n    scope='module',\n)\ndef g():\n    yield 1\n", false).empty());
  // A decorator of another def does not leave this one out.
  CHECK(app::plain_generator_names("@dec\ndef f():\n    pass\ndef g():\n    yield 1\n", false) == V{"g"});
  // Strings, comments and brackets at column 0 do not end a body; a yield in them is no yield.
  CHECK(app::plain_generator_names("def g():\n    x = '''\ndoc\n'''\n    y = (1,\n2)\n    yield x\n", false) == V{"g"});
  CHECK(app::plain_generator_names("def g():\n    s = \"yield\"  # yield\n    return s\n", false).empty());
  CHECK(app::plain_generator_names("def g():\n    x = 1 + \\\n2\n    yield x\n", false) == V{"g"});
  CHECK(app::plain_generator_names("def f():\n    return 1\nyield_ = 2\n", false).empty());
  CHECK(app::plain_generator_names("def g():\r\n    yield 1\r\n", false) == V{"g"});
  // Another module's `with` enters only a generator outside any def or class (FileFacts::plain_generators).
  const std::string nested =
      "class A:\n    def m(self):\n        yield 1\nif X:\n    def top():\n        yield 2\n"
      "def outer():\n    def inner():\n        yield 3\n    yield 4\n";
  CHECK(app::plain_generator_names(nested, true) == V{"outer", "top"});
  CHECK(app::plain_generator_names(nested, false) == V{"inner", "m", "outer", "top"});
  CHECK(app::contains_word("g(); g()", "g", 2));
  CHECK_FALSE(app::contains_word("def g(): gg()", "g", 2));
}

TEST_CASE("prefilter: import statements give absolute module names") {
  const std::string text =
      "import os, app.core.config as cfg\n"
      "from . import db\n"
      "from .settings import (\n    DATABASE_URL,\n    POOL_SIZE as size,\n)\n"
      "from ..common.base import Base, \\\n    Model\n"
      "    from app.deps import get_db  # inside a function\n"
      "x = 1; import json\n"
      "important = 2\n"
      "from_x = 3\n";
  const std::vector<std::string> got = app::imported_names(text, "app.api.routes", false);
  const std::vector<std::string> want = {"app.api",          "app.api.db",          "app.api.settings",
                                         "app.api.settings.DATABASE_URL", "app.api.settings.POOL_SIZE",
                                         "app.common.base",  "app.common.base.Base", "app.common.base.Model",
                                         "app.core.config",  "app.deps",            "app.deps.get_db",
                                         "os"};
  CHECK(got == want);
  // In a package's __init__.py one dot is the package itself; climbing out of the project gives nothing.
  CHECK(app::imported_names("from .models import User\n", "app", true) ==
        std::vector<std::string>{"app.models", "app.models.User"});
  CHECK(app::imported_names("from ...x import y\n", "a.b", false).empty());
}

TEST_CASE("prefilter: module index matches names, parent packages and src/ suffixes") {
  app::ModuleIndex index;
  index.add("app", 0);
  index.add("app.core.config", 1);
  index.add("app.core", 2);
  index.add("other", 3);
  CHECK(index.files_for("app.core.config.settings") == std::vector<size_t>{0, 1, 2});
  CHECK(index.files_for("src.app.core.config") == std::vector<size_t>{0, 1, 2});
  CHECK(index.files_for("sqlalchemy.pool").empty());
}

TEST_CASE("prefilter: findings are identical without it, on every fixture and for every --jobs") {
  const fs::path root = fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures";
  std::error_code ec;
  fs::current_path(POOLAUDIT_SOURCE_DIR, ec);
  std::vector<fs::path> all = tests::rule_fixtures(root);
  for (const fs::path& p : tests::project_fixtures(root)) all.push_back(p);
  size_t with_findings = 0;
  for (const fs::path& fixture : all) {
    INFO("fixture " << fixture.lexically_relative(POOLAUDIT_SOURCE_DIR).generic_string());
    const std::string full = render(audit({fixture.string()}, false).findings);
    CHECK(render(audit({fixture.string()}, true).findings) == full);
    if (!kSanitized) CHECK(render(audit({fixture.string()}, true, 2).findings) == full);
    if (!full.empty()) ++with_findings;
  }
  CHECK(with_findings > 50);
}

TEST_CASE("prefilter: PA207 pairs and wrapper callers stay analysed; imports of PA207-only files are not followed") {
  tests::TempDir dir;
  dir.write("pyproject.toml", "[project]\nname = 'demo'\n");
  // No needle anywhere: only the `with` / generator pair makes these files worth analysing.
  dir.write("app/__init__.py", "");
  dir.write("app/gens.py", "def scope():\n    yield 1\n");
  dir.write("app/jobs.py", "import app.util\nfrom app import gens\n\n\ndef run():\n    with gens.scope() as s:\n        return s\n");
  dir.write("app/util.py", "def helper():\n    return 1\n");
  dir.write("app/local.py", "def gen():\n    yield 1\n\n\ndef use():\n    with gen():\n        pass\n");
  // A wrapper of another module, called from a file that imports it under another name.
  dir.write("app/db.py", "from sqlalchemy import create_engine\n\n\ndef make_engine(url):\n"
                         "    return create_engine(url, pool_size=50)\n");
  dir.write("app/worker.py", "from app import db as database\n\nE = database.make_engine('postgresql://h/x')\n");
  const std::string full = render(audit({dir.path().string()}, false).findings);
  const std::string filtered = render(audit({dir.path().string()}, true, 2).findings);
  CHECK(filtered == full);
  CHECK(full.find("jobs.py:6:") != std::string::npos);   // PA207 across modules
  CHECK(full.find("local.py:6:") != std::string::npos);  // PA207 in one file
  CHECK(full.find("worker.py") != std::string::npos);    // the wrapper at its call site
}

TEST_CASE("prefilter: a `with` file pairs with a generator module only when it writes a generator's name") {
  tests::TempDir dir;
  dir.write("pyproject.toml", "[project]\nname = 'demo'\n");
  dir.write("app/__init__.py", "");
  dir.write("app/gens.py", "from contextlib import contextmanager\n\n\ndef scope():\n    yield 1\n\n\n"
                           "@contextmanager\ndef managed():\n    yield 2\n\n\nclass Tree:\n    def walk(self):\n"
                           "        yield 3\n");
  // Look-alikes that must still be found: an alias, an async generator entered by `async with`
  // through a module attribute, a generator in a package's __init__.py. (A star import is not
  // resolved for PA207; it must give the same either way.)
  dir.write("app/alias.py", "from app.gens import scope as sc\n\n\ndef run():\n    with sc() as s:\n        return s\n");
  dir.write("app/star.py", "from app.gens import *\n\n\ndef run():\n    with scope():\n        pass\n");
  dir.write("app/agen.py", "async def provide():\n    yield 1\n");
  dir.write("app/tasks.py", "import app.agen\n\n\nasync def run():\n    async with app.agen.provide() as p:\n"
                            "        return p\n");
  dir.write("pkg/__init__.py", "def opened():\n    yield 1\n");
  dir.write("pkg/use.py", "from pkg import opened\n\n\ndef run():\n    with opened():\n        pass\n");
  // Now skipped, and finding nothing either way: a `with` of something else, a decorated
  // generator, a method generator (another module's is never entered: FileFacts::plain_generators).
  dir.write("app/files.py", "import app.gens\n\n\ndef run(p):\n    with open(p) as f:\n        return f.read()\n");
  dir.write("app/managed.py", "from app.gens import managed\n\n\ndef run():\n    with managed():\n        pass\n");
  dir.write("app/methods.py", "import app.gens\n\n\ndef run(tree):\n    with tree.walk():\n        pass\n");
  const core::Report unfiltered = audit({dir.path().string()}, false);
  const core::Report filtered = audit({dir.path().string()}, true, 2);
  const std::string full = render(unfiltered.findings);
  CHECK(render(filtered.findings) == full);
  CHECK(files_checked(unfiltered) == "11 files checked");
  // gens, alias, star, agen, tasks, pkg/__init__, use: not app/__init__, files, managed, methods.
  CHECK(files_checked(filtered) == "7 files checked");
  for (const char* found : {"alias.py:5:", "tasks.py:5:", "use.py:5:"}) {
    INFO(std::string(found));
    CHECK(full.find(found) != std::string::npos);
  }
  CHECK(full.find("files.py") == std::string::npos);
  CHECK(full.find("managed.py") == std::string::npos);
  CHECK(full.find("methods.py") == std::string::npos);
}

TEST_CASE("prefilter: findings are identical without it on the generated corpus") {
  if (std::system("python3 --version > /dev/null 2>&1") != 0) {
    MESSAGE("python3 not found: generated-corpus check skipped");
    return;
  }
  tests::TempDir dir;
  const fs::path corpus = dir.path() / "corpus";
  const std::string command = "python3 " + (fs::path(POOLAUDIT_SOURCE_DIR) / "bench" / "generate.py").string() + " " +
                              corpus.string() + " --lines 40000 --seed 3 > /dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  const core::Report full = audit({corpus.string()}, false);
  const core::Report filtered = audit({corpus.string()}, true, 2);
  CHECK(!full.findings.empty());
  CHECK(render(filtered.findings) == render(full.findings));
  CHECK(filtered.summary.files == full.summary.files);
  CHECK(filtered.inventory.engines.size() == full.inventory.engines.size());
}

TEST_CASE("single files: the same findings as a whole-project run, for every file of every fixture project") {
  const fs::path root = fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures";
  std::vector<fs::path> projects;
  for (const fs::path& p : tests::rule_fixtures(root)) {
    if (fs::is_directory(p)) projects.push_back(p);
  }
  for (const fs::path& p : tests::project_fixtures(root)) projects.push_back(p);
  size_t files = 0;
  size_t with_findings = 0;
  size_t seen = 0;
  for (const fs::path& fixture : projects) {
    if (kSanitized && seen++ % 4 != 0) continue;  // a quarter of the projects under the sanitizers
    INFO("project " << fixture.lexically_relative(POOLAUDIT_SOURCE_DIR).generic_string());
    // A copy outside this repository, with a root marker when the fixture has none (the
    // repository's own .git would otherwise be the root).
    tests::TempDir dir;
    const fs::path project = dir.path() / fixture.filename();
    fs::copy(fixture, project, fs::copy_options::recursive);
    if (!has_root_marker(project)) fs::create_directory(project / ".git");
    const core::Report whole = audit({project.string()}, true);
    for (const auto& entry : fs::recursive_directory_iterator(project)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".py" && ext != ".ini")) continue;
      const core::Report single = audit({entry.path().string()}, true);
      const std::string display = app::display_path(entry.path().string());
      std::vector<core::Finding> expected;
      for (const core::Finding& f : whole.findings) {
        if (f.where.path == display) expected.push_back(f);
      }
      INFO("file " << entry.path().lexically_relative(project).generic_string());
      CHECK(render(single.findings) == render(expected));
      ++files;
      if (!expected.empty()) ++with_findings;
    }
  }
  CHECK(files > (kSanitized ? 15u : 60u));
  CHECK(with_findings > (kSanitized ? 5u : 20u));
}
