// Pooler and driver detection from database URLs (sqla/pooler.h).
#include "sqla/pooler.h"

#include <doctest/doctest.h>

namespace {

sqla::DatabaseUrl url(std::string_view text, bool partial = false) {
  auto parsed = sqla::parse_database_url(text, partial);
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::optional<sqla::PoolerMatch> pooler(std::string_view text, const sqla::DeploymentFacts& deployment = {}) {
  return sqla::transaction_pooler(url(text), deployment);
}

std::string_view driver(std::string_view text) {
  const sqla::DriverSpec* spec = sqla::driver_of(url(text));
  return spec ? spec->name : "";
}

}  // namespace

TEST_CASE("driver_of: each dialect's default driver and the explicit spellings") {
  CHECK(driver("postgresql://db/app") == "psycopg2");
  CHECK(driver("postgres://db/app") == "psycopg2");
  CHECK(driver("postgresql+psycopg2://db/app") == "psycopg2");
  CHECK(driver("postgresql+psycopg://db/app") == "psycopg");
  CHECK(driver("postgresql+psycopg_async://db/app") == "psycopg");
  CHECK(driver("postgresql+asyncpg://db/app") == "asyncpg");
  CHECK(driver("postgresql+pg8000://db/app") == "pg8000");
  CHECK(driver("mysql://db/app") == "mysqlclient");
  CHECK(driver("mysql+mysqldb://db/app") == "mysqlclient");
  CHECK(driver("mysql+pymysql://db/app") == "PyMySQL");
  CHECK(driver("MySQL+PyMySQL://db/app") == "PyMySQL");
  CHECK(driver("mariadb+pymysql://db/app") == "PyMySQL");
  CHECK(driver("mariadb://db/app") == "mysqlclient");
  CHECK(driver("mysql+aiomysql://db/app") == "aiomysql");
  CHECK(driver("mysql+asyncmy://db/app") == "asyncmy");
  CHECK(driver("sqlite:///app.db") == "pysqlite");
  CHECK(driver("sqlite+pysqlite:///app.db") == "pysqlite");
  CHECK(driver("sqlite+aiosqlite:///app.db") == "aiosqlite");
  CHECK(driver("mssql+pyodbc://db/app") == "pyodbc");
  CHECK(driver("oracle+oracledb://db/app").empty());
  CHECK(driver("postgresql+unknowndriver://db/app").empty());
  CHECK(sqla::driver_of(url("postgresql+asyncpg://{user}@{host}/app", true))->kind == sqla::Driver::kAsyncpg);
}

TEST_CASE("driver_of: each driver's connect-timeout keyword") {
  auto key = [](std::string_view text) { return std::string(sqla::driver_of(url(text))->timeout_key); };
  CHECK(key("postgresql://db/app") == "connect_timeout");
  CHECK(key("postgresql+psycopg://db/app") == "connect_timeout");
  CHECK(key("postgresql+asyncpg://db/app") == "timeout");
  CHECK(key("mysql+pymysql://db/app") == "connect_timeout");
  CHECK(key("mysql+mysqlconnector://db/app") == "connection_timeout");
  CHECK(key("sqlite:///app.db").empty());
  CHECK(sqla::driver_of(url("postgresql+asyncpg://db/app"))->timeout_default == "60 s");
  CHECK(sqla::driver_of(url("postgresql://db/app"))->timeout_default.empty());
}

TEST_CASE("transaction_pooler: Supabase transaction mode is port 6543, session mode 5432 is not") {
  auto tx = pooler("postgresql+asyncpg://postgres.ref:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres");
  REQUIRE(tx);
  CHECK(tx->kind == sqla::PoolerKind::kSupabase);
  CHECK_FALSE(tx->tracks_prepared);
  CHECK_FALSE(pooler("postgresql+asyncpg://postgres.ref@aws-0-eu-west-1.pooler.supabase.com:5432/postgres"));
  CHECK_FALSE(pooler("postgresql://postgres.ref@aws-0-eu-west-1.pooler.supabase.com/postgres"));  // no port: 5432
  CHECK(pooler("postgresql://postgres@db.abcdefgh.supabase.co:6543/postgres"));                   // legacy PgBouncer
  CHECK_FALSE(pooler("postgresql://postgres@db.abcdefgh.supabase.co:5432/postgres"));
  CHECK(pooler("postgresql://postgres@AWS-0-EU-WEST-1.POOLER.SUPABASE.COM:6543/postgres"));
  CHECK_FALSE(pooler("postgresql://postgres@pooler.supabase.com.evil.example:6543/postgres"));
  CHECK_FALSE(pooler("mysql://app@x.pooler.supabase.com:6543/app"));  // PgBouncer speaks PostgreSQL only
  CHECK_FALSE(pooler("postgresql://app@db.internal:6543/app"));       // the port alone says nothing
}

TEST_CASE("transaction_pooler: pgbouncer=true and Neon -pooler hosts") {
  auto flagged = pooler("postgresql://app@db.internal/app?sslmode=require&pgbouncer=true");
  REQUIRE(flagged);
  CHECK(flagged->kind == sqla::PoolerKind::kPgbouncerParam);
  CHECK(pooler("postgresql://app@db.internal/app?pgbouncer=TRUE"));
  CHECK_FALSE(pooler("postgresql://app@db.internal/app?pgbouncer=false"));
  auto neon = pooler("postgresql+asyncpg://app@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb");
  REQUIRE(neon);
  CHECK(neon->kind == sqla::PoolerKind::kNeon);
  CHECK(neon->tracks_prepared);
  CHECK_FALSE(pooler("postgresql+asyncpg://app@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb"));
  CHECK_FALSE(pooler("postgresql://app@my-pooler.example.com/app"));
}

TEST_CASE("transaction_pooler: poolers the project configures match by host, port and mode") {
  sqla::DeploymentFacts deployment;
  core::Location where{"docker-compose.yml", {{12, 7}, {12, 30}}};
  deployment.poolers.push_back(sqla::PoolerEndpoint{"pgbouncer", 6432, "transaction", where});
  deployment.poolers.push_back(sqla::PoolerEndpoint{"sessionpool", 6432, "session", {}});
  deployment.poolers.push_back(sqla::PoolerEndpoint{"nomode", 6432, "", {}});
  deployment.poolers.push_back(sqla::PoolerEndpoint{"anyport", 0, "statement", {}});
  deployment.poolers.push_back(sqla::PoolerEndpoint{"defaultport", 5432, "transaction", {}});
  auto match = pooler("postgresql+asyncpg://app:pw@pgbouncer:6432/app", deployment);
  REQUIRE(match);
  CHECK(match->kind == sqla::PoolerKind::kProject);
  CHECK(match->where == where);
  CHECK(match->what.find("pgbouncer") != std::string::npos);
  CHECK(pooler("postgresql://app@PgBouncer:6432/app", deployment));
  CHECK_FALSE(pooler("postgresql://app@pgbouncer:5432/app", deployment));    // another port: the database
  CHECK_FALSE(pooler("postgresql://app@pgbouncer/app", deployment));         // no port: 5432
  CHECK_FALSE(pooler("postgresql://app@db:6432/app", deployment));           // another host
  CHECK_FALSE(pooler("postgresql://app@sessionpool:6432/app", deployment));  // session mode
  CHECK_FALSE(pooler("postgresql://app@nomode:6432/app", deployment));       // PgBouncer's default: session
  CHECK(pooler("postgresql://app@anyport:7000/app", deployment));            // port not stated: host decides
  CHECK(pooler("postgresql://app@defaultport/app", deployment));             // 5432 implied
  CHECK_FALSE(sqla::transaction_pooler(url("postgresql://app@{host}:6432/app", true), deployment));
}
