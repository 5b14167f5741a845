// Model tests for the semantic layer: what py:: and sqla:: resolve from small sources.
#include <doctest/doctest.h>

#include <sstream>

#include "core/mask.h"
#include "py/grammar.h"
#include "sqla/dump.h"
#include "sqla/facts.h"
#include "sqla/module_table.h"
#include "sqla/project_context.h"
#include "ts/tree.h"

namespace {

/// Parses and analyses one module; returns the facts.
sqla::FileFacts facts_of(const std::string& code, const std::string& path = "app/db.py",
                         sqla::ProjectContext context = {}) {
  core::SourceFile source(path, code);
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  ts::Tree tree = parser.parse(source.text());
  sqla::ProjectFacts project;
  project.context = context;
  project.files.push_back(sqla::analyze_python(source, tree.root(), "app.db", false, context));
  sqla::resolve_project(project);
  return std::move(project.files[0]);
}

const sqla::EngineConfig& only_config(const sqla::FileFacts& f) {
  REQUIRE(f.engines.size() == 1);
  REQUIRE(f.engines[0].configs.size() == 1);
  return f.engines[0].configs[0];
}

std::string value_of(const sqla::EngineConfig& c, std::string_view name) {
  const py::Argument* a = c.arg(name);
  return a ? a->value->render() : "<absent>";
}

}  // namespace

TEST_CASE("grammar: every kind and field the code uses exists") {
  CHECK(py::Grammar::get().missing().empty());
}

TEST_CASE("imports: every spelling of the factory and the pool class") {
  for (const char* code : {
           "import sqlalchemy as sa\ne = sa.create_engine(U, poolclass=sa.pool.NullPool)\n",
           "from sqlalchemy import create_engine as ce\nfrom sqlalchemy.pool import NullPool as NP\ne = ce(U, poolclass=NP)\n",
           "import sqlalchemy.pool\nimport sqlalchemy\ne = sqlalchemy.create_engine(U, poolclass=sqlalchemy.pool.NullPool)\n",
           "from sqlmodel import create_engine\nfrom sqlalchemy import pool\ne = create_engine(U, poolclass=pool.NullPool)\n",
           "from sqlalchemy import *\nfrom sqlalchemy.pool import *\ne = create_engine(U, poolclass=NullPool)\n",
           "def f():\n    from sqlalchemy.ext.asyncio import create_async_engine\n    from sqlalchemy.pool import NullPool\n    return create_async_engine(U, poolclass=NullPool)\n",
       }) {
    INFO(code);
    const auto f = facts_of(code);
    CHECK(only_config(f).pool.kind == sqla::Pool::kNull);
    CHECK(only_config(f).pool.explicit_class);
  }
}

TEST_CASE("a create_engine from another library is not an engine") {
  CHECK(facts_of("from mylib import create_engine\ne = create_engine('postgresql://h/db')\n").engines.empty());
  CHECK(facts_of("def create_engine(u):\n    pass\ne = create_engine('postgresql://h/db')\n").engines.empty());
}

TEST_CASE("module constants and dict building") {
  const auto f = facts_of(
      "from sqlalchemy import create_engine\n"
      "SIZE = 5\n"
      "opts = {'pool_pre_ping': True}\n"
      "opts['pool_size'] = SIZE\n"
      "opts.update(max_overflow=10)\n"
      "opts.update({'pool_recycle': 300})\n"
      "extra = dict(opts, echo=False)\n"
      "merged = {**extra, 'pool_timeout': 30}\n"
      "merged.setdefault('pool_size', 99)\n"
      "del merged['echo']\n"
      "merged.pop('pool_timeout')\n"
      "e = create_engine('postgresql://h/db', **merged)\n");
  const auto& c = only_config(f);
  CHECK(c.complete);
  CHECK(value_of(c, "pool_size") == "5");
  CHECK(value_of(c, "max_overflow") == "10");
  CHECK(value_of(c, "pool_recycle") == "300");
  CHECK(value_of(c, "pool_pre_ping") == "True");
  CHECK(value_of(c, "echo") == "<absent>");
  CHECK(value_of(c, "pool_timeout") == "<absent>");
  CHECK(c.arg("pool_size")->via == "**merged");
}

TEST_CASE("branches: one configuration per reaching path, never merged") {
  const auto f = facts_of(
      "from sqlalchemy import create_engine\n"
      "from sqlalchemy.pool import NullPool, QueuePool\n"
      "opts = {'pool_pre_ping': True}\n"
      "if settings.is_lambda:\n"
      "    opts['poolclass'] = NullPool\n"
      "else:\n"
      "    opts.update(pool_size=5, max_overflow=10)\n"
      "engine = create_engine(settings.DATABASE_URL, **opts)\n");
  REQUIRE(f.engines.size() == 1);
  const auto& configs = f.engines[0].configs;
  REQUIRE(configs.size() == 2);
  for (const auto& c : configs) {
    const bool null_pool = c.arg("poolclass") != nullptr;
    CHECK(null_pool == (c.arg("pool_size") == nullptr));  // never both
    CHECK(c.branch.find("settings.is_lambda") != std::string::npos);
    CHECK(c.branch.find(null_pool ? "true" : "false") != std::string::npos);
  }
}

TEST_CASE("branches: correlated conditions are not combined across names") {
  const auto f = facts_of(
      "from sqlalchemy import create_engine\n"
      "from sqlalchemy.pool import NullPool, QueuePool\n"
      "if IS_LAMBDA:\n"
      "    pc = NullPool\n"
      "    size = None\n"
      "else:\n"
      "    pc = QueuePool\n"
      "    size = 5\n"
      "engine = create_engine(URL, poolclass=pc, pool_size=size)\n");
  REQUIRE(f.engines.size() == 1);
  CHECK(f.engines[0].configs.size() == 2);
  for (const auto& c : f.engines[0].configs) {
    if (c.pool.kind == sqla::Pool::kNull) CHECK(value_of(c, "pool_size") == "None");
    else CHECK(value_of(c, "pool_size") == "5");
  }
}

TEST_CASE("conditional expressions, elif chains and early exits") {
  const auto f = facts_of(
      "import sqlalchemy as sa\n"
      "from sqlalchemy.pool import NullPool, QueuePool, StaticPool\n"
      "def make(url):\n"
      "    if not url:\n"
      "        raise ValueError('no url')\n"
      "    if MODE == 'a':\n"
      "        pc = NullPool\n"
      "    elif MODE == 'b':\n"
      "        pc = StaticPool\n"
      "    else:\n"
      "        return None\n"
      "    return sa.create_engine(url, poolclass=pc, echo=True if DEBUG else False)\n");
  REQUIRE(f.engines.size() == 1);
  CHECK(f.engines[0].configs.size() == 4);  // 2 pools x 2 echo values
  CHECK(f.engines[0].function == "make");
}

TEST_CASE("unresolved **kwargs make the set incomplete; the pool stays Unknown") {
  const auto f = facts_of("from sqlalchemy import create_engine\ndef mk(url, **kw):\n    return create_engine(url, **kw)\n");
  const auto& c = only_config(f);
  CHECK_FALSE(c.complete);
  CHECK(c.pool.kind == sqla::Pool::kUnknown);
  CHECK_FALSE(c.has("pool_size").has_value());
}

TEST_CASE("implied pool classes from the URL and the version") {
  auto pool_for = [](const std::string& factory, const std::string& url, std::optional<sqla::Version> v = {}) {
    sqla::ProjectContext ctx;
    ctx.sqlalchemy = v;
    const auto f = facts_of("from sqlalchemy import create_engine\nfrom sqlalchemy.ext.asyncio import create_async_engine\ne = " +
                                factory + "('" + url + "')\n",
                            "app/db.py", ctx);
    return only_config(f).pool.kind;
  };
  CHECK(pool_for("create_engine", "postgresql://h/db") == sqla::Pool::kQueue);
  CHECK(pool_for("create_async_engine", "postgresql+asyncpg://h/db") == sqla::Pool::kAsyncAdaptedQueue);
  CHECK(pool_for("create_engine", "sqlite://") == sqla::Pool::kSingletonThread);
  CHECK(pool_for("create_engine", "sqlite:///:memory:") == sqla::Pool::kSingletonThread);
  CHECK(pool_for("create_engine", "sqlite:///app.db") == sqla::Pool::kQueue);
  CHECK(pool_for("create_engine", "sqlite:///app.db", sqla::Version{1, 4, 46}) == sqla::Pool::kNull);
  CHECK(pool_for("create_async_engine", "sqlite+aiosqlite:///:memory:") == sqla::Pool::kStatic);
  CHECK(pool_for("create_async_engine", "sqlite+aiosqlite:///a.db", sqla::Version{2, 0, 37}) == sqla::Pool::kNull);
  CHECK(pool_for("create_async_engine", "sqlite+aiosqlite:///a.db") == sqla::Pool::kAsyncAdaptedQueue);
}

TEST_CASE("engine_from_config reads the prefixed dict and coerces only some keys") {
  const auto f = facts_of(
      "from sqlalchemy import engine_from_config, pool\n"
      "cfg = {'sqlalchemy.url': 'postgresql://h/db', 'sqlalchemy.pool_size': '10',\n"
      "       'sqlalchemy.pool_pre_ping': 'false', 'other.x': 1}\n"
      "e = engine_from_config(cfg, prefix='sqlalchemy.', poolclass=pool.NullPool)\n");
  const auto& c = only_config(f);
  CHECK(c.url.has_value());
  CHECK(value_of(c, "pool_size") == "10");
  CHECK(value_of(c, "pool_pre_ping") == "'false'");
  CHECK(value_of(c, "x") == "<absent>");
  CHECK(c.pool.kind == sqla::Pool::kNull);
}

TEST_CASE("Alembic env.py: config section unknown, AsyncEngine wrapper, dispose calls") {
  const auto f = facts_of(
      "from alembic import context\n"
      "from sqlalchemy import engine_from_config, pool\n"
      "from sqlalchemy.ext.asyncio import AsyncEngine\n"
      "config = context.config\n"
      "async def run():\n"
      "    connectable = AsyncEngine(engine_from_config(config.get_section(config.config_ini_section),\n"
      "                              prefix='sqlalchemy.', poolclass=pool.NullPool, future=True))\n"
      "    await connectable.dispose()\n",
      "migrations/env.py");
  CHECK(f.is_alembic_env);
  REQUIRE(f.engines.size() == 1);
  CHECK(f.engines[0].wrapped_async);
  CHECK_FALSE(f.engines[0].configs[0].complete);
  CHECK(f.engines[0].configs[0].pool.kind == sqla::Pool::kNull);
  REQUIRE(f.disposals.size() == 1);
  CHECK(f.disposals[0].awaited);
  CHECK(f.disposals[0].receiver == "connectable");
}

TEST_CASE("URL literals: parsed, masked, f-strings partial") {
  const auto f = facts_of(
      "A = 'postgresql+asyncpg://admin:s3cr3t@db.internal:5432/app?ssl=require'\n"
      "B = f'mysql+pymysql://{user}:{pw}@{host}/db'\n"
      "C = 'https://example.com'\n");
  REQUIRE(f.url_literals.size() == 2);
  const auto& a = f.url_literals[0].url;
  CHECK(a.dialect == "postgresql");
  CHECK(a.driver == "asyncpg");
  CHECK(a.host == "db.internal");
  CHECK(a.port == "5432");
  CHECK(a.password == std::optional<std::string>("s3cr3t"));
  CHECK(a.query_param("ssl") == std::optional<std::string>("require"));
  CHECK(a.masked() == "postgresql+asyncpg://admin:***@db.internal:5432/app?ssl=require");
  CHECK(f.url_literals[1].url.partial);
}

TEST_CASE("mask_credentials masks every URL password, leaves the rest") {
  CHECK(core::mask_credentials("x postgresql://u:pw@h/db y mysql://a:b@c") == "x postgresql://u:***@h/db y mysql://a:***@c");
  CHECK(core::mask_credentials("postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(core::mask_credentials("see https://docs/x") == "see https://docs/x");
}

TEST_CASE("the resolver stays linear on thousands of dict updates and branches") {
  std::string code = "from sqlalchemy import create_engine\nopts = {}\n";
  for (int i = 0; i < 3000; ++i) {
    code += "if c" + std::to_string(i % 7) + ":\n    opts['k" + std::to_string(i) + "'] = " + std::to_string(i) + "\n";
    code += "opts.update(v" + std::to_string(i) + "=1)\n";
  }
  code += "e = create_engine('postgresql://h/db', **opts)\n";
  const auto f = facts_of(code);
  REQUIRE(f.engines.size() == 1);
  CHECK(f.engines[0].configs.size() <= 16);
}

TEST_CASE("dump-facts output names configurations, origins and masked URLs") {
  const auto f = facts_of("from sqlalchemy import create_engine\ne = create_engine('postgresql://u:pw@h/db', echo=True)\n");
  std::ostringstream out;
  sqla::dump(f, out);
  const std::string text = out.str();
  CHECK(text.find("engine app/db.py:2:5 create_engine") != std::string::npos);
  CHECK(text.find("echo=True @app/db.py:2:45") != std::string::npos);
  CHECK(text.find("pw") == std::string::npos);
}

TEST_CASE("os.getenv / os.environ.get: the default when given, else Unknown") {
  const auto f = facts_of(
      "import os\nfrom sqlalchemy import create_engine\n"
      "e = create_engine(os.getenv('DATABASE_URL', 'postgresql://h/db'), pool_size=int(os.environ.get('N', '5')),\n"
      "                  echo=os.environ.get('ECHO'))\n");
  const auto& c = only_config(f);
  REQUIRE(c.url.has_value());
  CHECK(c.url->host == "h");
  CHECK(c.arg("echo")->value->is_unknown());
  CHECK(c.arg("echo")->value->text == "environment variable ECHO");
}

TEST_CASE("lowest_version reads requirement specifiers") {
  using sqla::Version;
  CHECK(sqla::lowest_version("==1.4.46") == std::optional<Version>(Version{1, 4, 46}));
  CHECK(sqla::lowest_version(">=2.0,<3") == std::optional<Version>(Version{2, 0, 0}));
  CHECK(sqla::lowest_version("<3, >=2.0.25") == std::optional<Version>(Version{2, 0, 25}));
  CHECK(sqla::lowest_version("~=1.4") == std::optional<Version>(Version{1, 4, 0}));
  CHECK(sqla::lowest_version("^2.0.1") == std::optional<Version>(Version{2, 0, 1}));
  CHECK(sqla::lowest_version("2.0.30") == std::optional<Version>(Version{2, 0, 30}));
  CHECK_FALSE(sqla::lowest_version("<2").has_value());
  CHECK_FALSE(sqla::lowest_version("*").has_value());
  CHECK_FALSE(sqla::lowest_version("").has_value());
}

TEST_CASE("import-time connects follow this file's calls a few levels deep, not uncalled functions") {
  const auto f = facts_of(
      "from sqlalchemy import create_engine\n"
      "engine = create_engine('postgresql://h/db')\n"
      "def schema():\n    meta.create_all(bind=engine)\n"
      "def setup():\n    schema()\n"
      "def factory():\n    setup()\n    return 1\n"
      "def unused():\n    schema()\n"
      "def deep4():\n    factory()\n"
      "app = factory()\n"
      "other = deep4()\n"
      "if __name__ == '__main__':\n    factory()\n");
  REQUIRE(f.deployment.import_connects.size() == 1);
  const sqla::ImportTimeConnect& c = f.deployment.import_connects[0];
  CHECK(c.where.range.begin.line == 14);  // `app = factory()`; deep4 is four calls away, __main__ is skipped
  CHECK(c.through == "factory");
  CHECK(c.what == "meta.create_all(engine)");
}

TEST_CASE("module index: the longest project module that prefixes a name at a dot") {
  sqla::ProjectFacts facts;
  std::vector<sqla::FileFacts>& files = facts.files;
  files.resize(5);
  files[0].module_name = "app";
  files[1].module_name = "app.db";
  files[2].module_name = "app.db";  // a second file with the same name (app/db.py and app/db/): first wins
  files[3].module_name = "";        // a file outside any package
  files[4].module_name = "application";
  const sqla::ModuleTable modules(facts);
  std::string_view rest;
  CHECK(modules.home_of("app.db.SessionLocal", "", rest) == &files[1]);
  CHECK(rest == "SessionLocal");
  CHECK(modules.home_of("app.db.models.User", "", rest) == &files[1]);  // no app.db.models module
  CHECK(rest == "models.User");
  CHECK(modules.home_of("app.main", "", rest) == &files[0]);
  CHECK(rest == "main");
  CHECK(modules.home_of("application.run", "", rest) == &files[4]);  // not "app" + "lication.run"
  CHECK(modules.home_of("app", "", rest) == nullptr);                // the module itself names nothing in it
  CHECK(modules.home_of("apps.x", "", rest) == nullptr);
  CHECK(modules.home_of(".x", "", rest) == nullptr);
  CHECK(modules.home_of("", "", rest) == nullptr);
}
