// Which code uses a module-level engine (sqla/engine_uses.h): PA104 stays silent only when every
// use is in an Alembic env.py, a test or a script.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/source_file.h"
#include "py/grammar.h"
#include "sqla/engine_uses.h"
#include "sqla/facts.h"
#include "sqla/module_table.h"
#include "sqla/project_context.h"
#include "ts/tree.h"

namespace {

struct Source {
  std::string path;
  std::string module;
  std::string text;
};

sqla::ProjectFacts project(const std::vector<Source>& sources) {
  sqla::ProjectFacts facts;
  for (const Source& s : sources) {
    core::SourceFile file{s.path, s.text};
    ts::Parser parser;
    parser.set_language(py::Grammar::get().language());
    ts::Tree tree = parser.parse(file.text());
    facts.files.push_back(sqla::analyze_python(file, tree.root(), s.module, false, sqla::ProjectContext{}));
  }
  return facts;
}

/// The answer for the first module-level engine of the first file.
bool only_outside_app(const sqla::ProjectFacts& facts) {
  const sqla::ModuleTable table(facts);
  REQUIRE(!facts.files.empty());
  REQUIRE(!facts.files[0].engines.empty());
  return sqla::engine_used_only_outside_app(facts, table, facts.files[0], facts.files[0].engines[0]);
}

const char* kConfig =
    "import os\n"
    "from sqlalchemy import create_engine\n"
    "sync_engine = create_engine(os.environ['URL'])\n"
    "def get_sync_engine():\n"
    "    if sync_engine is None:\n"
    "        raise RuntimeError('no database')\n"
    "    return sync_engine\n";

const char* kEnv =
    "from alembic import context\n"
    "from config import get_sync_engine\n"
    "def run_migrations_online():\n"
    "    with get_sync_engine().connect() as connection:\n"
    "        context.configure(connection=connection)\n"
    "run_migrations_online()\n";

}  // namespace

TEST_CASE("engine uses: a getter only Alembic's env.py calls leaves the engine outside the app") {
  const auto facts = project({{"config.py", "config", kConfig}, {"migrations/env.py", "migrations.env", kEnv}});
  CHECK(facts.files[1].is_alembic_env);
  CHECK(only_outside_app(facts));
}

TEST_CASE("engine uses: the same getter called from a route (through an alias) is an app use") {
  const auto facts = project({{"config.py", "config", kConfig},
                              {"migrations/env.py", "migrations.env", kEnv},
                              {"routes.py", "routes",
                               "from config import get_sync_engine as connect_db\n"
                               "def items():\n"
                               "    with connect_db().connect() as conn:\n"
                               "        return conn.execute('select 1')\n"}});
  CHECK_FALSE(only_outside_app(facts));
}

TEST_CASE("engine uses: a module-level sessionmaker bound to the engine is an app use") {
  const auto facts = project({{"config.py", "config",
                               std::string(kConfig) +
                                   "from sqlalchemy.orm import sessionmaker\n"
                                   "SessionLocal = sessionmaker(bind=sync_engine)\n"},
                              {"migrations/env.py", "migrations.env", kEnv}});
  CHECK_FALSE(only_outside_app(facts));
}

TEST_CASE("engine uses: a use through the module's name (`import database; database.engine`) is followed") {
  const char* database =
      "import os\nfrom sqlalchemy import create_engine\nengine = create_engine(os.environ['URL'])\n";
  const auto facts = project({{"database.py", "database", database},
                              {"sessions.py", "sessions",
                               "import database\n"
                               "from sqlalchemy.orm import Session\n"
                               "def get_db():\n"
                               "    with Session(database.engine) as s:\n"
                               "        yield s\n"}});
  CHECK_FALSE(only_outside_app(facts));
}

TEST_CASE("engine uses: tests and env.py only are outside the app; nothing at all is not an answer") {
  const char* database =
      "import os\nfrom sqlalchemy import create_engine\nengine = create_engine(os.environ['URL'])\n";
  const auto unused = project({{"database.py", "database", database}});
  CHECK_FALSE(only_outside_app(unused));
  const auto tested = project({{"database.py", "database", database},
                               {"tests/test_db.py", "tests.test_db",
                                "from database import engine\n"
                                "def test_connect():\n"
                                "    with engine.connect() as c:\n"
                                "        assert c\n"}});
  CHECK(tested.files[1].is_test);
  CHECK(only_outside_app(tested));
}

TEST_CASE("engine uses: a star import of the engine's module, or an unresolved same name, keeps it reported") {
  const auto star = project({{"config.py", "config", kConfig},
                             {"migrations/env.py", "migrations.env", kEnv},
                             {"main.py", "main", "from config import *\n"}});
  CHECK_FALSE(only_outside_app(star));
  const std::vector<Source> elsewhere{{"config.py", "config", kConfig},
                                      {"migrations/env.py", "migrations.env", kEnv},
                                      {"main.py", "main",
                                       "from elsewhere.config import sync_engine\n"
                                       "def handler(event, context):\n"
                                       "    return sync_engine.connect()\n"}};
  // `elsewhere` is not part of the project: a library's name, not this engine.
  CHECK(only_outside_app(project(elsewhere)));
  // A project module the analysis skipped may be this engine's module: unsure, so reported.
  auto skipped = project(elsewhere);
  skipped.other_modules = {"elsewhere.config"};
  CHECK_FALSE(only_outside_app(skipped));
}
