// Facts behind PA116, PA118 and PA403: web apps and test clients, on_event handlers and what they
// do with the database, engine_from_config's run-time mappings, the FastAPI version.
#include <doctest/doctest.h>

#include "core/source_file.h"
#include "py/grammar.h"
#include "sqla/facts.h"
#include "sqla/project_context.h"
#include "sqla/web_apps.h"
#include "tests/temp_dir.h"
#include "ts/tree.h"

namespace {

sqla::FileFacts analyze(const char* text, const char* module = "app.main") {
  core::SourceFile source{"app/main.py", text};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(source.text());
  return sqla::analyze_python(source, tree.root(), module, false, sqla::ProjectContext{});
}

}  // namespace

TEST_CASE("web facts: applications and test clients through any import spelling") {
  const auto facts = analyze(
      "import fastapi\nfrom flask import Flask\nfrom starlette.testclient import TestClient as TC\n"
      "api = fastapi.FastAPI(title='x')\nweb = Flask(__name__)\nclient = TC(api)\nother = Thing()\n");
  REQUIRE(facts.web_apps.size() == 3);
  CHECK(facts.web_apps[0].framework == "fastapi");
  CHECK(facts.web_apps[0].assigned_to == "api");
  CHECK_FALSE(facts.web_apps[0].test_client);
  CHECK(facts.web_apps[0].where.range.begin.line == 4);
  CHECK(facts.web_apps[1].framework == "flask");
  CHECK(facts.web_apps[2].test_client);
  CHECK(facts.web_apps[2].framework == "starlette");
}

TEST_CASE("app detection: one table for web apps, ASGI lifespan owners and web packages") {
  // An ASGI app built once is both a web app (threads) and a lifespan owner; Quart is only the latter,
  // Flask only the former.
  sqla::FileFacts facts = analyze(
      "from fastapi import FastAPI\nfrom quart import Quart\nfrom flask import Flask\n"
      "api = FastAPI()\nq = Quart(__name__)\nweb = Flask(__name__)\n");
  REQUIRE(facts.web_apps.size() == 2);
  CHECK(facts.web_apps[0].framework == "fastapi");
  CHECK(facts.web_apps[1].framework == "flask");
  REQUIRE(facts.deployment.asgi_apps.size() == 2);
  CHECK(facts.deployment.asgi_apps[0].where.range.begin.line == 4);
  CHECK(facts.deployment.asgi_apps[1].where.range.begin.line == 5);
  CHECK(sqla::is_web_package("litestar"));
  CHECK_FALSE(sqla::is_web_package("sqlalchemy"));
  REQUIRE(sqla::app_constructor("starlette.testclient.TestClient") != nullptr);
  CHECK(sqla::app_constructor("starlette.testclient.TestClient")->test_client);
  CHECK_FALSE(sqla::app_constructor("starlette.testclient.TestClient")->asgi);
  CHECK(sqla::app_constructor("fastapi.routing.APIRouter") == nullptr);
}

TEST_CASE("web facts: on_event handlers, their event and database use, one level of local calls") {
  const auto facts = analyze(
      "from fastapi import FastAPI\nfrom sqlalchemy import create_engine\nfrom app.db import init_db\n"
      "app = FastAPI()\nengine = create_engine('sqlite://')\n"
      "def make_tables():\n    Base.metadata.create_all(engine)\n"
      "@app.on_event('startup')\ndef start():\n    make_tables()\n"
      "@app.on_event(event_type=\"shutdown\")\nasync def stop():\n    engine.dispose()\n"
      "@app.on_event('startup')\nasync def remote():\n    await init_db()\n"
      "@app.get('/')\ndef index():\n    return 1\n");
  REQUIRE(facts.event_handlers.size() == 3);
  const sqla::EventHandler& start = facts.event_handlers[0];
  CHECK(start.event == "startup");
  CHECK(start.function == "start");
  CHECK(start.receiver == "fastapi.FastAPI()");
  CHECK(start.where.range.begin.line == 8);  // the decorator
  REQUIRE(start.database);
  CHECK(start.database->what == "creates tables");
  CHECK(start.database->where.range.begin.line == 7);
  const sqla::EventHandler& stop = facts.event_handlers[1];
  CHECK(stop.event == "shutdown");
  REQUIRE(stop.database);
  CHECK(stop.database->what == "disposes an engine");
  const sqla::EventHandler& remote = facts.event_handlers[2];
  CHECK_FALSE(remote.database);
  REQUIRE(remote.calls.size() == 1);
  CHECK(remote.calls[0] == "app.db.init_db");
  // Module-level functions that use the database, for handlers in other modules.
  bool found = false;
  for (const auto& [name, use] : facts.database_functions) found = found || (name == "make_tables");
  CHECK(found);
}

TEST_CASE("engine_from_config: a mapping read at run time and its prefix") {
  auto facts = sqla::ProjectFacts{};
  facts.files.push_back(analyze(
      "from sqlalchemy import engine_from_config\n"
      "def main(settings):\n    return engine_from_config(settings, 'db.')\n"
      "a = engine_from_config({'sqlalchemy.url': 'sqlite://'})\n"
      "b = engine_from_config(load(), prefix=PREFIX)\n"));
  sqla::resolve_project(facts);
  auto at_line = [&](uint32_t line) -> const sqla::EngineConfig& {
    for (const sqla::EngineSite& e : facts.files[0].engines) {
      if (e.where.range.begin.line == line && !e.configs.empty()) return e.configs[0];
    }
    FAIL("no engine at line " << line);
    throw;
  };
  CHECK(at_line(3).runtime_configuration);
  CHECK(at_line(3).config_prefix == std::optional<std::string>("db."));
  CHECK_FALSE(at_line(4).runtime_configuration);
  CHECK(at_line(4).config_prefix == std::optional<std::string>("sqlalchemy."));
  CHECK(at_line(5).runtime_configuration);
  CHECK_FALSE(at_line(5).config_prefix);
}

TEST_CASE("project context: the FastAPI version from the dependency files") {
  tests::TempDir dir;
  dir.write("requirements.txt", "fastapi==0.92.0\nSQLAlchemy>=2.0\n");
  std::vector<core::Finding> diagnostics;
  const sqla::ProjectContext context = sqla::read_project_context(dir.path().string(), diagnostics);
  CHECK(context.fastapi == std::optional<sqla::Version>(sqla::Version{0, 92, 0}));
  CHECK(context.fastapi_origin.find("requirements.txt") != std::string::npos);
}

TEST_CASE("Flask-SQLAlchemy 3 coerces engine_from_config's keys from strings; 2.x does not") {
  const char* text =
      "import os\nfrom flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\napp = Flask(__name__)\n"
      "app.config['SQLALCHEMY_DATABASE_URI'] = 'postgresql://db/app'\n"
      "app.config['SQLALCHEMY_ENGINE_OPTIONS'] = {'pool_recycle': os.getenv('R', '300'), 'pool_pre_ping': 'false'}\n"
      "db = SQLAlchemy(app)\n";
  for (const bool v3 : {true, false}) {
    INFO("Flask-SQLAlchemy " << (v3 ? 3 : 2));
    sqla::ProjectFacts facts;
    facts.context.flask_sqlalchemy = v3 ? sqla::Version{3, 1, 1} : sqla::Version{2, 5, 1};
    facts.files.push_back(analyze(text));
    sqla::resolve_project(facts);
    const sqla::EngineConfig* config = nullptr;
    for (const sqla::EngineSite& e : facts.files[0].engines) {
      if (e.flask_sqlalchemy && !e.configs.empty()) config = &e.configs[0];
    }
    REQUIRE(config != nullptr);
    const py::Argument* recycle = config->arg("pool_recycle");
    REQUIRE(recycle != nullptr);
    CHECK(recycle->value->kind == (v3 ? py::ValueKind::kInt : py::ValueKind::kString));
    const py::Argument* ping = config->arg("pool_pre_ping");
    REQUIRE(ping != nullptr);
    CHECK(ping->value->kind == py::ValueKind::kString);  // not coerced by either version
  }
}
