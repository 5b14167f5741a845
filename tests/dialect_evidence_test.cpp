// The database inferred from project evidence (sqla/dialect_evidence.h): which clues count, when
// several families give no inference, and that an inference stays apart from a resolved URL.
#include <doctest/doctest.h>

#include <sstream>

#include "py/grammar.h"
#include "sqla/dialect_evidence.h"
#include "sqla/dump.h"
#include "sqla/facts.h"
#include "sqla/project_context.h"
#include "tests/temp_dir.h"
#include "tests/project_of.h"
#include "ts/tree.h"

namespace {

using tests::project_of;

sqla::Dependency dependency(std::string name, uint32_t line) {
  return sqla::Dependency{std::move(name), core::Location{"requirements.txt", {{line, 1}, {line, 1}}}};
}

const sqla::EngineConfig& first_config(const sqla::ProjectFacts& p, size_t file = 0) {
  REQUIRE(p.files.size() > file);
  REQUIRE(!p.files[file].engines.empty());
  REQUIRE(!p.files[file].engines[0].configs.empty());
  return p.files[file].engines[0].configs[0];
}

constexpr const char* kEnvEngine = "import os\nfrom sqlalchemy import create_engine\n"
                                   "engine = create_engine(os.environ['DATABASE_URL'])\n";

}  // namespace

TEST_CASE("dialect evidence: driver distributions, families and compose images") {
  CHECK(sqla::driver_package("pymysql").family == "mysql");
  CHECK(sqla::driver_package("pymysql").driver == "pymysql");
  CHECK(sqla::driver_package("mysqlclient").driver == "mysqldb");
  CHECK(sqla::driver_package("psycopg2-binary").family == "postgresql");
  CHECK(sqla::driver_package("psycopg").driver == "psycopg");
  CHECK(sqla::driver_package("asyncpg").driver == "asyncpg");
  CHECK(sqla::driver_package("aiosqlite").family == "sqlite");
  CHECK(sqla::driver_package("oracledb").family == "oracle");
  CHECK(sqla::driver_package("flask").family.empty());
  CHECK(sqla::driver_package("sqlalchemy").family.empty());
  CHECK(sqla::dialect_family("mariadb") == "mysql");
  CHECK(sqla::dialect_family("postgres") == "postgresql");
  CHECK(sqla::dialect_family("driver").empty());
  CHECK(sqla::image_family("postgres:16-alpine") == "postgresql");
  CHECK(sqla::image_family("docker.io/library/mysql:8.0") == "mysql");
  CHECK(sqla::image_family("bitnami/mariadb") == "mysql");
  CHECK(sqla::image_family("postgis/postgis:16-3.4") == "postgresql");
  CHECK(sqla::image_family("edoburu/pgbouncer").empty());
  CHECK(sqla::image_family("dpage/pgadmin4").empty());
  CHECK(sqla::image_family("phpmyadmin").empty());
  CHECK(sqla::image_family("redis:7").empty());
}

TEST_CASE("dialect evidence: project_context records the declared distributions with their lines") {
  tests::TempDir dir;
  dir.write("requirements.txt", "flask==3.0\n# comment\nPyMySQL[rsa]==1.1 ; python_version>'3.8'\n");
  dir.write("pyproject.toml", "[project]\nname='x'\ndependencies=['psycopg2-binary>=2.9']\n");
  std::vector<core::Finding> diagnostics;
  const sqla::ProjectContext context = sqla::read_project_context(dir.path().string(), diagnostics);
  bool pymysql = false;
  bool psycopg2 = false;
  for (const sqla::Dependency& d : context.dependencies) {
    if (d.name == "pymysql") {
      pymysql = true;
      CHECK(d.where.range.begin.line == 3);
      CHECK(d.where.path.str().find("requirements.txt") != std::string::npos);
    }
    if (d.name == "psycopg2-binary") psycopg2 = true;
  }
  CHECK(pymysql);
  CHECK(psycopg2);
}

TEST_CASE("dialect evidence: one family infers the dialect and the pool, kept apart from the URL") {
  sqla::ProjectContext context;
  context.dependencies = {dependency("flask", 1), dependency("pymysql", 2)};
  const auto p = project_of({{"app/db.py", kEnvEngine}}, context);
  CHECK(p.dialect.family() == "mysql");
  const sqla::EngineConfig& c = first_config(p);
  CHECK_FALSE(c.url.has_value());  // never a resolved URL
  CHECK(c.inferred_family == "mysql");
  CHECK(c.inferred_driver == "pymysql");
  CHECK(c.inferred_from == "the dependency pymysql (requirements.txt:2)");
  // The pool is the one assumed without a URL (any database but SQLite pools), not a resolved one.
  CHECK(c.pool.kind == sqla::Pool::kQueue);
  CHECK(c.pool.assumed);
  CHECK(sqla::inferred_pool(c) == sqla::Pool::kQueue);
  CHECK(sqla::inference_note(c) ==
        "the URL is not resolved; the project's evidence names only mysql (driver pymysql): the dependency "
        "pymysql (requirements.txt:2)");
  std::ostringstream dump;
  sqla::dump(p.files[0], dump);
  CHECK(dump.str().find("inferred dialect=mysql driver=pymysql (not a resolved URL)") != std::string::npos);
}

TEST_CASE("dialect evidence: several families give no inference, and the dump says so") {
  sqla::ProjectContext context;
  context.dependencies = {dependency("pymysql", 1), dependency("psycopg2-binary", 2)};
  const auto p = project_of({{"app/db.py", kEnvEngine}}, context);
  CHECK(p.dialect.family().empty());
  CHECK(p.dialect.families == std::vector<std::string>{"mysql", "postgresql"});
  const sqla::EngineConfig& c = first_config(p);
  CHECK(c.inferred_family.empty());
  CHECK(c.pool.assumed);  // the assumption without a URL stands; the evidence adds nothing
  CHECK(sqla::inferred_pool(c) == sqla::Pool::kQueue);
  std::ostringstream dump;
  sqla::dump(p.dialect, dump);
  CHECK(dump.str().find("several families: mysql postgresql (no inference)") != std::string::npos);
}

TEST_CASE("dialect evidence: a SQLite driver infers SQLite, which chooses no pool") {
  sqla::ProjectContext context;
  context.dependencies = {dependency("aiosqlite", 1)};
  const auto p = project_of({{"app/db.py", kEnvEngine}}, context);
  const sqla::EngineConfig& c = first_config(p);
  CHECK(c.inferred_family == "sqlite");
  // "Any database but SQLite pools" no longer holds: a file or :memory: database, not known.
  CHECK(c.pool.kind == sqla::Pool::kUnknown);
  CHECK_FALSE(c.pool.assumed);
  CHECK(sqla::inferred_pool(c) == sqla::Pool::kUnknown);
}

TEST_CASE("dialect evidence: code clues (URL.create, build(scheme=), pydantic DSN, f-string template)") {
  SUBCASE("URL.create") {
    const auto p = project_of({{"app/db.py", "import os\nfrom sqlalchemy import URL, create_engine\n"
                                             "url = URL.create('mysql+aiomysql', host=os.environ['H'])\n"
                                             "engine = create_engine(url)\n"}});
    CHECK(p.dialect.family() == "mysql");
    REQUIRE(p.dialect.clues.size() == 1);
    CHECK(p.dialect.clues[0].driver == "aiomysql");
    CHECK(p.dialect.clues[0].where.range.begin.line == 3);
  }
  SUBCASE("MultiHostUrl.build(scheme=...)") {
    const auto p = project_of({{"app/config.py", "from pydantic_core import MultiHostUrl\n"
                                                 "def url(s):\n"
                                                 "    return MultiHostUrl.build(scheme='postgresql+asyncpg', host=s.h)\n"}});
    CHECK(p.dialect.family() == "postgresql");
    CHECK(p.dialect.driver(true) == "asyncpg");
    CHECK(p.dialect.driver(false).empty());
  }
  SUBCASE("pydantic DSN annotation, not its import") {
    const auto p = project_of({{"app/config.py", "from pydantic import PostgresDsn, MySQLDsn\n"
                                                 "class S:\n    url: PostgresDsn\n"}});
    CHECK(p.dialect.family() == "postgresql");
    REQUIRE(p.dialect.clues.size() == 1);
    CHECK(p.dialect.clues[0].where.range.begin.line == 3);
  }
  SUBCASE("an f-string template names the dialect") {
    const auto p = project_of({{"app/config.py", "def url(u, h):\n    return f'postgresql+psycopg://{u}@{h}/app'\n"}});
    CHECK(p.dialect.family() == "postgresql");
    CHECK(p.dialect.driver(false) == "psycopg");
  }
  SUBCASE("a variable scheme names nothing") {
    const auto p = project_of({{"app/config.py", "from sqlalchemy import URL\nu = URL.create(SCHEME, host='h')\n"}});
    CHECK(p.dialect.clues.empty());
  }
}

TEST_CASE("dialect evidence: tests and examples are not evidence, and their engines infer nothing") {
  sqla::ProjectContext context;
  context.dependencies = {dependency("pymysql", 1)};
  const auto p = project_of({{"app/db.py", kEnvEngine},
                             {"tests/test_db.py", "from sqlalchemy import create_engine\n"
                                                  "e = create_engine('sqlite:///test.db')\n"
                                                  "t = create_engine(TEST_URL)\n"}},
                            context);
  CHECK(p.dialect.family() == "mysql");  // the test's SQLite literal does not count
  CHECK(first_config(p, 0).inferred_family == "mysql");
  const auto& test_engines = p.files[1].engines;
  REQUIRE(test_engines.size() == 2);
  CHECK(test_engines[1].configs[0].inferred_family.empty());
}

TEST_CASE("dialect evidence: env files, compose images and alembic.ini") {
  sqla::DeploymentFacts deployment;
  deployment.env.push_back(sqla::EnvVariable{"DATABASE_URL", "postgresql+asyncpg://user:pass@your-host/app",
                                             core::Location{".env.example", {{2, 1}, {2, 1}}}, true});
  deployment.database_servers.push_back(
      sqla::Evidence{"postgres:16", core::Location{"docker-compose.yml", {{4, 12}, {4, 12}}}, {}, {}});
  const auto p = project_of({{"app/db.py", kEnvEngine}}, {}, deployment);
  CHECK(p.dialect.family() == "postgresql");
  CHECK(p.dialect.clues.size() == 2);
  CHECK(p.dialect.summary().find("docker-compose image postgres:16 (docker-compose.yml:4)") != std::string::npos);
  const sqla::EngineConfig& c = first_config(p);
  CHECK(c.inferred_driver.empty());  // a sync engine; the only driver named is asyncio-only
  CHECK(c.url_source.empty());
}

TEST_CASE("dialect evidence: a resolved URL is never replaced, an unknown poolclass stays unknown") {
  sqla::ProjectContext context;
  context.dependencies = {dependency("pymysql", 1)};
  const auto p = project_of({{"app/db.py", "from sqlalchemy import create_engine\n"
                                           "a = create_engine('postgresql://u@h/db')\n"
                                           "b = create_engine(URL, poolclass=choose())\n"}},
                            context);
  // The literal PostgreSQL URL is evidence too: two families, no inference at all.
  CHECK(p.dialect.family().empty());
  const auto p2 = project_of({{"app/db.py", "from sqlalchemy import create_engine\n"
                                            "b = create_engine(URL, poolclass=choose())\n"}},
                             context);
  const sqla::EngineConfig& c = first_config(p2);
  CHECK(c.inferred_family == "mysql");
  CHECK(sqla::inferred_pool(c) == sqla::Pool::kUnknown);
}

TEST_CASE("dialect evidence: an asyncio engine infers the async default pool") {
  sqla::ProjectContext context;
  context.dependencies = {dependency("asyncpg", 1)};
  const auto p = project_of({{"app/db.py", "from sqlalchemy.ext.asyncio import create_async_engine\n"
                                           "e = create_async_engine(URL, pool_size=5)\n"}},
                            context);
  const sqla::EngineConfig& c = first_config(p);
  CHECK(c.inferred_driver == "asyncpg");
  CHECK(sqla::inferred_pool(c) == sqla::Pool::kAsyncAdaptedQueue);
}

TEST_CASE("module attributes: `import cfg; cfg.URL` and `import app.cfg as cfg` read the other module's constant") {
  for (const char* code : {"import cfg\nfrom sqlalchemy import create_engine\ne = create_engine(cfg.URL)\n",
                           "import app.cfg as cfg\nfrom sqlalchemy import create_engine\ne = create_engine(cfg.URL)\n",
                           "import app.cfg\nfrom sqlalchemy import create_engine\ne = create_engine(app.cfg.URL)\n"}) {
    INFO(code);
    const bool nested = std::string(code).find("app.cfg") != std::string::npos;
    const auto p = project_of({{nested ? "app/cfg.py" : "cfg.py", "URL = 'mysql+pymysql://app@db.internal/app'\n"},
                               {"app/db.py", code}});
    const sqla::EngineConfig& c = first_config(p, 1);
    REQUIRE(c.url.has_value());
    CHECK(c.url->dialect == "mysql");
    CHECK(c.inferred_family.empty());  // resolved, not inferred
  }
}
