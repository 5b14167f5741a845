// Model tests for the pool chosen when the URL is not resolved (sqla/pool_assumption.h): the kind
// follows from what is known, and the choice says it rests on an assumption.
#include <doctest/doctest.h>

#include "py/grammar.h"
#include "sqla/facts.h"
#include "ts/tree.h"

namespace {

sqla::PoolChoice pool_of(const std::string& code, std::optional<sqla::Version> version = {}) {
  core::SourceFile source("app/db.py", code);
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  ts::Tree tree = parser.parse(source.text());
  sqla::ProjectFacts project;
  project.context.sqlalchemy = version;
  project.files.push_back(sqla::analyze_python(source, tree.root(), "app.db", false, project.context));
  sqla::resolve_project(project);
  const sqla::FileFacts& f = project.files[0];
  REQUIRE(f.engines.size() == 1);
  REQUIRE(f.engines[0].configs.size() == 1);
  return f.engines[0].configs[0].pool;
}

constexpr const char* kImports =
    "import os\n"
    "from sqlalchemy import create_engine, engine_from_config\n"
    "from sqlalchemy.ext.asyncio import create_async_engine\n"
    "from sqlalchemy.pool import NullPool, QueuePool\n";

}  // namespace

TEST_CASE("pool assumption: sizing keywords with an unresolved URL mean a pool that keeps connections") {
  // The founding incident: the URL comes from a helper, the sizing rules NullPool out.
  const sqla::PoolChoice p = pool_of(std::string(kImports) +
                                     "def get_database_url():\n"
                                     "    return os.getenv('DATABASE_URL')\n"
                                     "engine = create_engine(get_database_url(), pool_pre_ping=True, pool_size=5, "
                                     "max_overflow=10)\n");
  CHECK(p.kind == sqla::Pool::kQueue);
  CHECK(p.assumed);
  CHECK_FALSE(p.explicit_class);
  CHECK(p.how == "implied by pool_size=5, which NullPool would reject with TypeError");
  CHECK(p.assumption.find("the URL is not resolved") == 0);
  CHECK(p.assumption.find("pool_size=5 rules NullPool out") != std::string::npos);
  CHECK(p.origin.range.begin.line == 7);  // the keyword that proves it
}

TEST_CASE("pool assumption: an async factory gets AsyncAdaptedQueuePool") {
  const sqla::PoolChoice p =
      pool_of(std::string(kImports) + "engine = create_async_engine(os.getenv('DATABASE_URL'), max_overflow=0)\n");
  CHECK(p.kind == sqla::Pool::kAsyncAdaptedQueue);
  CHECK(p.assumed);
}

TEST_CASE("pool assumption: no sizing and a complete configuration get the default pool of any database but "
          "a SQLite file") {
  for (const char* url : {"os.environ['DATABASE_URL']", "settings.DATABASE_URL", "f'{BASE_URL}?sslmode=require'"}) {
    INFO(url);
    const sqla::PoolChoice p = pool_of(std::string(kImports) + "engine = create_engine(" + url + ", echo=False)\n",
                                       sqla::Version{1, 4, 46});
    CHECK(p.kind == sqla::Pool::kQueue);
    CHECK(p.assumed);
    CHECK(p.assumption == "the URL is not resolved; any database but a SQLite file keeps connections in this pool");
    CHECK(p.origin.range.begin.line == 5);
  }
}

TEST_CASE("pool assumption: silent when the unknown part could change the answer") {
  // An unresolved **kwargs may carry poolclass=NullPool.
  CHECK(pool_of(std::string(kImports) + "def make(**kw):\n    return create_engine(os.getenv('U'), **kw)\n").kind ==
        sqla::Pool::kUnknown);
  // An unknown pool class expression.
  CHECK(pool_of(std::string(kImports) + "engine = create_engine(os.getenv('U'), poolclass=pick(), pool_size=5)\n")
            .kind == sqla::Pool::kUnknown);
  // A pool instance: create_engine consumes no pool keywords then.
  CHECK_FALSE(pool_of(std::string(kImports) + "engine = create_engine(os.getenv('U'), pool=make_pool())\n").assumed);
  // An engine_from_config mapping read at run time.
  CHECK(pool_of(std::string(kImports) + "engine = engine_from_config(load(), prefix='sqlalchemy.')\n").kind ==
        sqla::Pool::kUnknown);
  // A known value that is not a URL is not an unresolved one.
  CHECK(pool_of(std::string(kImports) + "engine = create_engine('', echo=True)\n").kind == sqla::Pool::kUnknown);
  // A SQLite file whose path is unknown: 1.x gives NullPool, 2.x QueuePool; the dialect is known.
  const sqla::PoolChoice sqlite =
      pool_of(std::string(kImports) + "engine = create_engine(f'sqlite:///{DB_PATH}')\n", sqla::Version{1, 4, 46});
  CHECK(sqlite.kind == sqla::Pool::kUnknown);
  CHECK_FALSE(sqlite.assumed);
}

TEST_CASE("pool assumption: sizing proves the pool even when the rest of the configuration is unknown") {
  // Whatever **kw or the ini mapping add, NullPool with max_overflow would raise TypeError.
  CHECK(pool_of(std::string(kImports) + "def make(**kw):\n    return create_engine(os.getenv('U'), max_overflow=2, **kw)\n")
            .assumed);
  const sqla::PoolChoice p =
      pool_of(std::string(kImports) + "engine = engine_from_config(load(), prefix='sqlalchemy.', pool_size=3)\n");
  CHECK(p.kind == sqla::Pool::kQueue);
  CHECK(p.assumed);
}

TEST_CASE("pool assumption: what is resolved is not assumed") {
  const sqla::PoolChoice explicit_null =
      pool_of(std::string(kImports) + "engine = create_engine(os.getenv('U'), poolclass=NullPool)\n");
  CHECK(explicit_null.kind == sqla::Pool::kNull);
  CHECK_FALSE(explicit_null.assumed);
  const sqla::PoolChoice queue_with_null =
      pool_of(std::string(kImports) + "engine = create_engine(os.getenv('U'), poolclass=QueuePool, pool_size=5)\n");
  CHECK(queue_with_null.explicit_class);
  CHECK_FALSE(queue_with_null.assumed);
  const sqla::PoolChoice literal = pool_of(std::string(kImports) + "engine = create_engine('postgresql://h/db')\n");
  CHECK(literal.kind == sqla::Pool::kQueue);
  CHECK_FALSE(literal.assumed);
  CHECK(literal.assumption.empty());
}
