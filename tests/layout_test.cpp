// Project layout and versions per service (issue 13 causes 5 and 8): module names and aliases from
// the source roots a project uses, imports resolved to the nearest same-named module, the SQLAlchemy
// version of a file from its nearest dependency files; and the CLI-command and seeding-script facts.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "app/analyze.h"
#include "app/walk.h"
#include "core/source_file.h"
#include "py/grammar.h"
#include "sqla/facts.h"
#include "sqla/module_table.h"
#include "sqla/project_context.h"
#include "sqla/service_versions.h"
#include "sqla/source_roots.h"
#include "tests/temp_dir.h"
#include "ts/tree.h"

namespace fs = std::filesystem;

namespace {

sqla::FileFacts module(const std::string& path, const std::string& name, std::vector<std::string> aliases = {}) {
  sqla::FileFacts f;
  f.path = path;
  f.module_name = name;
  f.module_aliases = std::move(aliases);
  return f;
}

const app::InputFile* input(const app::WalkResult& walked, const std::string& suffix) {
  for (const app::InputFile& f : walked.files) {
    if (f.display_path.ends_with(suffix)) return &f;
  }
  return nullptr;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

sqla::FileFacts analyze(const char* text, const char* path = "app/cli.py") {
  core::SourceFile source{path, text};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(source.text());
  return sqla::analyze_python(source, tree.root(), "app.cli", false, sqla::ProjectContext{});
}

}  // namespace

TEST_CASE("layout: shared_directories counts the leading directories two paths have in common") {
  CHECK(sqla::shared_directories("a/b/x.py", "a/c/y.py") == 1);
  CHECK(sqla::shared_directories("a/b/x.py", "a/b/y.py") == 2);
  CHECK(sqla::shared_directories("x.py", "a/y.py") == 0);
  CHECK(sqla::shared_directories("", "a/y.py") == 0);
}

TEST_CASE("layout: an import finds a module by name, by alias, and the nearest of same-named ones") {
  sqla::ProjectFacts facts;
  facts.files.push_back(module("backend/app/database.py", "backend.app.database", {"app.database"}));
  facts.files.push_back(module("worker/app/database.py", "app.database"));
  facts.files.push_back(module("svc1/lib/util.py", "svc1.lib.util", {"lib.util"}));
  facts.files.push_back(module("svc2/lib/util.py", "svc2.lib.util", {"lib.util"}));
  facts.other_modules = {"skipped.mod"};
  const sqla::ModuleTable table(facts);
  // The backend's own app.database (an alias two directories away) beats the worker's module name.
  CHECK(table.find("app.database", "backend/app/reports.py") == &facts.files[0]);
  CHECK(table.find("app.database", "worker/app/jobs.py") == &facts.files[1]);
  // At equal distance, the module name wins over an alias.
  CHECK(table.find("app.database", "tests/test_x.py") == &facts.files[1]);
  // Two aliases at equal distance: ambiguous, so silent.
  CHECK(table.find("lib.util", "main.py") == nullptr);
  CHECK(table.find("lib.util", "svc2/main.py") == &facts.files[3]);
  // A module the pre-filter skipped is silence, not another module.
  CHECK(table.find("skipped.mod", "") == nullptr);
  // An import with more leading packages than the module name (src/ layouts).
  CHECK(table.find("src.svc1.lib.util", "") == &facts.files[2]);
  // ...unless two module names end it (backend.app.database and app.database): ambiguous.
  CHECK(table.find("src.backend.app.database", "") == nullptr);
  CHECK(table.is_project_head("app"));
  CHECK(table.is_project_head("lib"));
  CHECK_FALSE(table.is_project_head("sqlalchemy"));

  std::string_view rest;
  CHECK(table.home_of("app.database.SessionLocal", "backend/app/x.py", rest) == &facts.files[0]);
  CHECK(rest == "SessionLocal");
  CHECK(table.home_of("lib.util.helper", "", rest) == nullptr);
  CHECK(table.home_of("lib.util.helper", "svc1/x.py", rest) == &facts.files[2]);
  CHECK(table.home_of("sqlalchemy.orm.Session", "", rest) == nullptr);
}

TEST_CASE("layout: the source roots a build or SAM file declares") {
  tests::TempDir dir;
  dir.write("pyproject.toml",
            "[tool.setuptools.packages.find]\nwhere = [\"lib\"]\n\n[tool.setuptools]\npackage-dir = {\"\" = \"code\"}\n\n"
            "[tool.poetry]\npackages = [{include = \"svc\", from = \"services\"}]\n");
  dir.write("setup.cfg", "[metadata]\nname = x\n\n[options]\npackage_dir =\n    =source\n    extra = vendor/extra\n");
  dir.write("template.yaml", "Resources:\n  F:\n    Properties:\n      CodeUri: functions/ # code\n      Handler: h.handler\n"
                             "  G:\n    Properties:\n      CodeUri: s3://bucket/code.zip\n");
  const std::vector<std::string> roots = sqla::declared_source_roots(dir.path().string());
  const std::string base = dir.path().lexically_normal().generic_string();
  CHECK(has(roots, base + "/lib"));
  CHECK(has(roots, base + "/code"));
  CHECK(has(roots, base + "/services"));
  CHECK(has(roots, base + "/source"));
  CHECK(has(roots, base + "/vendor"));
  CHECK(has(roots, base + "/functions"));
  CHECK(roots.size() == 6);
  CHECK(sqla::conventional_source_root("backend"));
  CHECK(sqla::conventional_source_root("src"));
  CHECK_FALSE(sqla::conventional_source_root("app"));
}

TEST_CASE("layout: module names stop at the audited directory; aliases below source roots") {
  tests::TempDir dir;
  dir.write("__init__.py", "");
  dir.write("Models/__init__.py", "");
  dir.write("Models/core_model.py", "x = 1\n");
  dir.write("cfn.py", "URL = 'x'\n");
  dir.write("backend/__init__.py", "");
  dir.write("backend/app/__init__.py", "");
  dir.write("backend/app/database.py", "x = 1\n");
  dir.write("backend/main.py", "x = 1\n");
  dir.write("template.yaml", "Resources:\n  F:\n    Properties:\n      CodeUri: lambdas\n");
  dir.write("lambdas/__init__.py", "");
  dir.write("lambdas/settings.py", "x = 1\n");
  dir.write("tools/my-tool/app/run.py", "x = 1\n");
  const app::WalkResult walked = app::walk({dir.path().string()}, {});
  // A repository root's __init__.py does not put the checkout directory's name in front.
  const app::InputFile* core = input(walked, "Models/core_model.py");
  REQUIRE(core);
  CHECK(core->module_name == "Models.core_model");
  const app::InputFile* cfn = input(walked, "/cfn.py");
  REQUIRE(cfn);
  CHECK(cfn->module_name == "cfn");
  const app::InputFile* root_init = input(walked, dir.path().filename().string() + "/__init__.py");
  REQUIRE(root_init);
  CHECK(root_init->module_name == dir.path().filename().string());
  // backend/ is a package, and the directory its code runs from.
  const app::InputFile* database = input(walked, "backend/app/database.py");
  REQUIRE(database);
  CHECK(database->module_name == "backend.app.database");
  CHECK(has(database->module_aliases, "app.database"));
  const app::InputFile* main = input(walked, "backend/main.py");
  REQUIRE(main);
  CHECK(has(main->module_aliases, "main"));  // one part: only below a source root (backend/)
  // A SAM CodeUri is a source root: its single-part modules are importable by that name.
  const app::InputFile* settings = input(walked, "lambdas/settings.py");
  REQUIRE(settings);
  CHECK(settings->module_name == "lambdas.settings");
  CHECK(has(settings->module_aliases, "settings"));
  // A directory that cannot be a package name gives no alias through it.
  const app::InputFile* run = input(walked, "tools/my-tool/app/run.py");
  REQUIRE(run);
  CHECK(has(run->module_aliases, "app.run"));
  CHECK_FALSE(std::any_of(run->module_aliases.begin(), run->module_aliases.end(),
                          [](const std::string& a) { return a.find('-') != std::string::npos; }));
  CHECK_FALSE(has(run->module_aliases, "run"));  // one part, and tools/my-tool/app is no source root
}

TEST_CASE("versions per service: the nearest dependency files between a file and the audit root") {
  tests::TempDir dir;
  dir.write("requirements.txt", "SQLAlchemy==2.0.30\n");
  dir.write("backend/requirements.txt", "fastapi==0.90.0\nSQLAlchemy==1.4.52\n");
  dir.write("backend/app/db.py", "x = 1\n");
  dir.write("frontend/requirements.txt", "black==24.1.0\n");  // declares none of the versions
  dir.write("frontend/tools/build.py", "x = 1\n");
  const std::string root = dir.path().string();
  CHECK(sqla::has_dependency_files((dir.path() / "backend").string()));
  CHECK_FALSE(sqla::has_dependency_files((dir.path() / "backend/app").string()));
  CHECK(fs::path(sqla::nearest_dependency_directory((dir.path() / "backend/app").string(), root)) ==
        (dir.path() / "backend").lexically_normal());
  CHECK(fs::path(sqla::nearest_dependency_directory((dir.path() / "frontend/tools").string(), root)) ==
        dir.path().lexically_normal());
  // Without a stop, only the directory itself counts.
  CHECK(sqla::nearest_dependency_directory((dir.path() / "backend/app").string(), "").empty());

  sqla::ProjectContext project;
  static_cast<sqla::DependencyVersions&>(project) = [&] {
    std::vector<core::Finding> diagnostics;
    return sqla::read_dependency_versions(root, diagnostics);
  }();
  REQUIRE(project.sqlalchemy);
  CHECK(project.sqlalchemy->str() == "2.0.30");
  const auto backend = sqla::service_versions((dir.path() / "backend/app").string(), root, project);
  REQUIRE(backend);
  CHECK(backend->sqlalchemy->str() == "1.4.52");
  CHECK(backend->fastapi->str() == "0.90.0");
  CHECK(backend->sqlalchemy_origin.find("backend/requirements.txt:2") != std::string::npos);
  // The configuration's sqlalchemy-version is the user's word for every service.
  project.sqlalchemy = sqla::Version{2, 0, 1};
  project.sqlalchemy_origin = "config: pyproject.toml";
  const auto configured = sqla::service_versions((dir.path() / "backend/app").string(), root, project);
  REQUIRE(configured);
  CHECK(configured->sqlalchemy->str() == "2.0.1");
  CHECK(configured->fastapi->str() == "0.90.0");
}

TEST_CASE("versions per service: each file of a project gets its service's versions") {
  tests::TempDir dir;
  dir.write("requirements.txt", "SQLAlchemy==2.0.30\n");
  dir.write("backend/requirements.txt", "SQLAlchemy==1.4.52\n");
  sqla::ProjectFacts facts;
  facts.context.audit_roots = {dir.path().generic_string()};
  {
    std::vector<core::Finding> diagnostics;
    static_cast<sqla::DependencyVersions&>(facts.context) =
        sqla::read_dependency_versions(dir.path().string(), diagnostics);
  }
  facts.files.push_back(module((dir.path() / "backend/app/db.py").generic_string(), "app.db"));
  facts.files.push_back(module((dir.path() / "backend/app/models.py").generic_string(), "app.models"));
  facts.files.push_back(module((dir.path() / "main.py").generic_string(), "main"));
  sqla::assign_service_versions(facts);
  REQUIRE(facts.files[0].versions);
  CHECK(facts.files[0].versions == facts.files[1].versions);  // read once per directory
  CHECK(sqla::versions_of(facts, facts.files[0]).sqlalchemy->str() == "1.4.52");
  CHECK_FALSE(facts.files[2].versions);  // the project's own
  CHECK(sqla::versions_of(facts, facts.files[2]).sqlalchemy->str() == "2.0.30");
}

TEST_CASE("versions per service: `poolaudit ./backend` reads backend/requirements.txt without a project marker") {
  tests::TempDir dir;
  dir.write("backend/requirements.txt", "SQLAlchemy==1.4.52\n");
  dir.write("backend/app/db.py",
            "from sqlalchemy import create_engine\n"
            "engine = create_engine('postgresql://app@db.internal/app', pool_reset_on_return=None)\n");
  std::string error;
  auto rules = app::select_rules({"PA119"}, {}, error);
  REQUIRE(rules);
  app::Options o;
  o.paths = {(dir.path() / "backend").string()};
  o.isolated = true;
  o.jobs = 1;
  auto report = app::analyze(o, *rules, error);
  REQUIRE(report);
  REQUIRE(report->findings.size() == 1);  // PA119 fires on 1.4 only
  CHECK(report->findings[0].message.find("1.4.52") != std::string::npos);
}

TEST_CASE("scripts: click / typer commands, and a module that commits at import with no function") {
  const auto cli = analyze(
      "import click\nimport typer\napp = typer.Typer()\n"
      "@click.group()\ndef cli():\n    pass\n"
      "@cli.command('run')\n@click.argument('x')\ndef run(x):\n    pass\n"
      "@app.command()\ndef seed():\n    pass\n"
      "def helper():\n    pass\n"
      "class K:\n    @staticmethod\n    def command():\n        pass\n");
  CHECK(cli.is_cli_command("cli"));
  CHECK(cli.is_cli_command("run"));
  CHECK(cli.is_cli_command("seed"));
  CHECK_FALSE(cli.is_cli_command("helper"));
  CHECK_FALSE(cli.is_cli_command("K.command"));
  // `.command(...)` of something else, in a module that imports neither click nor typer.
  const auto other = analyze("import bot\n@bot.command('hi')\ndef hi():\n    pass\n");
  CHECK_FALSE(other.is_cli_command("hi"));
  // Flask's CLI.
  const auto flask = analyze("from flask import Flask\napp = Flask(__name__)\n@app.cli.command('seed')\ndef seed():\n    pass\n");
  CHECK(flask.is_cli_command("seed"));

  const auto seeding = analyze(
      "from sqlalchemy.orm import sessionmaker\nSession = sessionmaker()\ndb = Session()\ndb.add(x)\ndb.commit()\n",
      "add_server.py");
  CHECK(seeding.is_script);
  CHECK(seeding.role == core::FileRole::kScript);
  // The same module with a function, or without the commit, is a module others may import.
  const auto with_function = analyze(
      "from sqlalchemy.orm import sessionmaker\nSession = sessionmaker()\ndb = Session()\ndb.commit()\n"
      "def get():\n    return db\n",
      "db.py");
  CHECK_FALSE(with_function.is_script);
  const auto no_commit = analyze("from sqlalchemy.orm import sessionmaker\nSession = sessionmaker()\ndb = Session()\n",
                                 "db.py");
  CHECK_FALSE(no_commit.is_script);
  // A web app's main module committing at import stays production.
  const auto web = analyze("from fastapi import FastAPI\nfrom app.db import db\napp = FastAPI()\ndb.commit()\n", "main.py");
  CHECK_FALSE(web.is_script);
}
