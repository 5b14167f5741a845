// What the fixtures cannot say for the pooler and driver rules: poolers the project configures
// (DeploymentFacts, filled from docker-compose / pgbouncer.ini), severities and version-dependent
// wording (PA106, PA107, PA117, PA119), masked URLs.
#include <doctest/doctest.h>

#include "tests/rule_runner.h"

namespace {

using Setup = tests::RuleSetup;

std::vector<core::Finding> run(std::string_view code, const char* text, const Setup& setup = {}) {
  return tests::run_rule(code, text, setup);
}

Setup compose_pgbouncer(std::string mode) {
  Setup s;
  s.deployment.poolers.push_back(
      sqla::PoolerEndpoint{"pgbouncer", 6432, std::move(mode), core::Location{"docker-compose.yml", {{9, 7}, {9, 20}}}});
  return s;
}

bool has_note(const core::Finding& f, std::string_view path) {
  for (const core::Note& n : f.notes) {
    if (n.where.path == path) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a PgBouncer the project runs in transaction mode is a pooler; session mode or unknown mode is not") {
  const char* text =
      "from sqlalchemy.ext.asyncio import create_async_engine\n"
      "e = create_async_engine('postgresql+asyncpg://app:Zq8vT2ukd@pgbouncer:6432/app')\n";
  for (const char* code : {"PA106", "PA107"}) {
    INFO(code);
    const auto tx = run(code, text, compose_pgbouncer("transaction"));
    REQUIRE(tx.size() == 1);
    CHECK(has_note(tx[0], "docker-compose.yml"));
    CHECK(tx[0].message.find("pgbouncer") != std::string::npos);
    for (const core::Note& n : tx[0].notes) CHECK(n.message.find("Zq8vT2ukd") == std::string::npos);
    CHECK(run(code, text, compose_pgbouncer("session")).empty());
    CHECK(run(code, text, compose_pgbouncer("")).empty());
    CHECK(run(code, text).empty());
  }
  const auto psycopg = run("PA117",
                           "from sqlalchemy import create_engine\n"
                           "e = create_engine('postgresql+psycopg://app@pgbouncer:6432/app')\n",
                           compose_pgbouncer("statement"));
  REQUIRE(psycopg.size() == 1);
  CHECK(has_note(psycopg[0], "docker-compose.yml"));
}

TEST_CASE("PA106 is a warning for drivers that prepare server-side, info for psycopg2") {
  const auto asyncpg = run("PA106",
                           "from sqlalchemy.ext.asyncio import create_async_engine\n"
                           "e = create_async_engine('postgresql+asyncpg://u@aws-0-eu.pooler.supabase.com:6543/postgres')\n");
  REQUIRE(asyncpg.size() == 1);
  CHECK(asyncpg[0].severity == core::Severity::kWarning);
  const auto psycopg2 = run("PA106",
                            "from sqlalchemy import create_engine\n"
                            "e = create_engine('postgresql://u@aws-0-eu.pooler.supabase.com:6543/postgres')\n");
  REQUIRE(psycopg2.size() == 1);
  CHECK(psycopg2[0].severity == core::Severity::kInfo);
}

TEST_CASE("PA107 names the missing pieces on 2.0.10+, says there is no complete fix before") {
  const char* text =
      "from sqlalchemy.ext.asyncio import create_async_engine\n"
      "e = create_async_engine('postgresql+asyncpg://u@aws-0-eu.pooler.supabase.com:6543/postgres',\n"
      "    pool_pre_ping=True, connect_args={'statement_cache_size': 0, 'prepared_statement_cache_size': 0})\n";
  const auto latest = run("PA107", text);
  REQUIRE(latest.size() == 1);
  CHECK(latest[0].severity == core::Severity::kError);
  CHECK(latest[0].message.find("lacks prepared_statement_name_func") != std::string::npos);
  CHECK(latest[0].message.find("no complete") == std::string::npos);
  const auto old = run("PA107", text, Setup{sqla::Version{1, 4, 46}, {}});
  REQUIRE(old.size() == 1);
  CHECK(old[0].message.find("SQLAlchemy 1.4.46 has no complete client-side fix") != std::string::npos);
  const auto early20 = run("PA107", text, Setup{sqla::Version{2, 0, 9}, {}});
  REQUIRE(early20.size() == 1);
  CHECK(early20[0].message.find("no complete client-side fix") != std::string::npos);
  bool ping_note = false;
  for (const core::Note& n : early20[0].notes) ping_note = ping_note || n.message.find("2.0.21") != std::string::npos;
  CHECK(ping_note);  // pool_pre_ping broke behind PgBouncer transaction mode on 2.0.0-2.0.20
  const char* fixed =
      "from sqlalchemy.ext.asyncio import create_async_engine\n"
      "e = create_async_engine('postgresql+asyncpg://u@aws-0-eu.pooler.supabase.com:6543/postgres',\n"
      "    connect_args={'statement_cache_size': 0, 'prepared_statement_cache_size': 0,\n"
      "                  'prepared_statement_name_func': lambda: 'x'})\n";
  CHECK(run("PA107", fixed, Setup{sqla::Version{2, 0, 10}, {}}).empty());
  CHECK(run("PA107", fixed, Setup{sqla::Version{1, 4, 52}, {}}).size() == 1);
}

TEST_CASE("PA107 and PA117 are info behind Neon, which tracks prepared statements") {
  const auto asyncpg = run("PA107",
                           "from sqlalchemy.ext.asyncio import create_async_engine\n"
                           "e = create_async_engine('postgresql+asyncpg://u@ep-x-1-pooler.us-east-2.aws.neon.tech/db')\n");
  REQUIRE(asyncpg.size() == 1);
  CHECK(asyncpg[0].severity == core::Severity::kInfo);
  const auto psycopg = run("PA117",
                           "from sqlalchemy import create_engine\n"
                           "e = create_engine('postgresql+psycopg://u@ep-x-1-pooler.us-east-2.aws.neon.tech/db')\n");
  REQUIRE(psycopg.size() == 1);
  CHECK(psycopg[0].severity == core::Severity::kInfo);
}

TEST_CASE("PA119 fires on 1.x only") {
  const char* text =
      "from sqlalchemy import create_engine\n"
      "e = create_engine('postgresql://db/app', pool_reset_on_return=None)\n";
  CHECK(run("PA119", text).empty());
  CHECK(run("PA119", text, Setup{sqla::Version{2, 0, 0}, {}}).empty());
  CHECK(run("PA119", text, Setup{sqla::Version{1, 4, 46}, {}}).size() == 1);
  CHECK(run("PA119", text, Setup{sqla::Version{1, 3, 24}, {}}).size() == 1);
}

TEST_CASE("PA118 needs a thread reaching the engine for SingletonThreadPool, "
          "not for NullPool") {
  const char* engine_only = "from sqlalchemy import create_engine\ne = create_engine('sqlite://')\n";
  CHECK(run("PA118", engine_only).empty());
  // async endpoints run on the event loop's thread: no other thread uses the
  // engine.
  const char *async_app =
      "from fastapi import FastAPI\nfrom sqlalchemy import create_engine\n"
      "app = FastAPI()\ne = create_engine('sqlite://')\n"
      "@app.get('/')\nasync def index():\n    return 1\n";
  CHECK(run("PA118", async_app).empty());
  const char *sync_app =
      "from fastapi import FastAPI\nfrom sqlalchemy import create_engine\n"
      "app = FastAPI()\ne = create_engine('sqlite://')\n"
      "@app.get('/')\ndef index():\n    return 1\n";
  const auto threaded = run("PA118", sync_app);
  REQUIRE(threaded.size() == 1);
  CHECK(threaded[0].message.find("no such table") != std::string::npos);
  CHECK(
      threaded[0].message.find("FastAPI's threadpool (sync endpoint `index`") !=
      std::string::npos);
  const char *worker_thread =
      "import threading\nfrom sqlalchemy import create_engine\n"
      "def test_worker():\n    e = create_engine('sqlite://')\n"
      "    threading.Thread(target=lambda: e.connect()).start()\n";
  const auto by_thread = run("PA118", worker_thread);
  REQUIRE(by_thread.size() == 1);
  CHECK(by_thread[0].message.find("threading.Thread") != std::string::npos);
  const char* null_pool =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
      "e = create_engine('sqlite:///:memory:', poolclass=NullPool)\n";
  CHECK(run("PA118", null_pool).size() == 1);
}
