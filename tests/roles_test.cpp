// The file-role classifier (sqla/roles.h) and the PA113 / PA303 credential
// policy (sqla/credentials.h).
#include <doctest/doctest.h>

#include "sqla/credentials.h"
#include "sqla/facts.h"
#include "sqla/roles.h"

namespace {

using core::FileRole;

FileRole role(std::string_view path, std::string_view text = {}) {
  return sqla::classify_role(path, text).role;
}

bool credential(std::string_view text, std::string_view assigned_to = {}) {
  const auto url = sqla::parse_database_url(text, false);
  REQUIRE(url);
  return !sqla::not_a_credential(*url, assigned_to);
}

} // namespace

TEST_CASE("roles: pytest and unittest conventions make tests") {
  CHECK(role("conftest.py") == FileRole::kTest);
  CHECK(role("app/test_db.py") == FileRole::kTest);
  CHECK(role("app/db_test.py") == FileRole::kTest);
  CHECK(role("app/tests.py") == FileRole::kTest);
  CHECK(role("tests/factories.py") == FileRole::kTest);
  CHECK(role("backend/test/helpers/db.py") == FileRole::kTest);
  CHECK(role("app/checks.py", "import os\nimport pytest\n") == FileRole::kTest);
  CHECK(role("app/checks.py", "from unittest import TestCase\n") ==
        FileRole::kTest);
  CHECK(role("app/checks.py", "class T(unittest.TestCase):\n    pass\n") ==
        FileRole::kTest);
  CHECK(sqla::classify_role("tests/x.py", {}).why == "under tests/");
  // A mention in a string or a comment is not an import.
  CHECK(role("app/cli.py", "HELP = 'run: import pytest'\n") ==
        FileRole::kProduction);
  // test-ish names that are not tests.
  CHECK(role("app/testing.py") == FileRole::kProduction);
  CHECK(role("app/latest_prices.py") == FileRole::kProduction);
  CHECK(role("app/contest.py") == FileRole::kProduction);
}

TEST_CASE("roles: documentation and examples") {
  CHECK(role("docs_src/sql_databases/tutorial001.py") == FileRole::kExample);
  CHECK(role("docs/howto/db.py") == FileRole::kExample);
  CHECK(role("examples/flask_app/app.py") == FileRole::kExample);
  CHECK(role("tutorial/step1.py") == FileRole::kExample);
  // A test of the examples is a test; a docs-like word inside a name is not a
  // directory.
  CHECK(role("docs_src/tests/test_tutorial.py") == FileRole::kTest);
  CHECK(role("app/docs.py") == FileRole::kProduction);
  CHECK(role("app/examples_api.py") == FileRole::kProduction);
}

TEST_CASE("roles: Alembic and migrations") {
  CHECK(role("alembic/env.py", "from alembic import context\n") ==
        FileRole::kMigration);
  CHECK(role("env.py", "from alembic import context\n") ==
        FileRole::kMigration);
  CHECK(role("migrations/versions/0001_init.py") == FileRole::kMigration);
  CHECK(role("db/revisions/0001.py",
             "revision = \"a1\"\ndown_revision = None\n") ==
        FileRole::kMigration);
  CHECK(role("db/revisions/0002.py",
             "revision: str = \"a2\"\ndown_revision: str | None = \"a1\"\n") ==
        FileRole::kMigration);
  CHECK(role("alembic.ini") == FileRole::kMigration);
  // versions/ alone is an API version, not Alembic's.
  CHECK(role("app/versions/v2.py") == FileRole::kProduction);
  CHECK(role("app/env.py", "import os\n") == FileRole::kProduction);
  // A test of migrations is a test.
  CHECK(role("migrations/test_upgrade.py") == FileRole::kTest);
}

TEST_CASE("roles: scripts") {
  CHECK(role("scripts/seed.py") == FileRole::kScript);
  CHECK(role("bin/load.py") == FileRole::kScript);
  CHECK(role("manage.py") == FileRole::kScript);
  CHECK(role("app/main.py") == FileRole::kProduction);
  CHECK(role("app/scripting.py") == FileRole::kProduction);
}

TEST_CASE("roles: names and sets") {
  for (FileRole r : core::kRoles)
    CHECK(core::parse_role(core::role_name(r)) == r);
  CHECK_FALSE(core::parse_role("docs"));
  CHECK(core::role_list(core::kAllRoles) == "all roles");
  CHECK(core::role_list(core::role_bit(FileRole::kProduction) |
                        core::role_bit(FileRole::kScript)) ==
        "production, script");
  CHECK(sqla::mentions_leaks("def test_session_leak_warns():"));
  CHECK(sqla::mentions_leaks("with pytest.warns(ResourceWarning):"));
  CHECK_FALSE(sqla::mentions_leaks("def test_users(): pass"));
}

TEST_CASE("credentials: real passwords on real hosts are credentials") {
  CHECK(credential("postgresql://app:S3cr3t-pw@db.internal:5432/app"));
  CHECK(credential("mysql+pymysql://root:hunter22@10.0.0.5/shop"));
  CHECK(credential(
      "postgresql://postgres:postgres@db/app")); // a compose service with a
                                                 // default password
  CHECK(credential(
      "postgresql://u:real-pass-1@prod.example.io/db")); // example.io is a real
                                                         // domain
}

TEST_CASE("credentials: local, reserved and placeholder hosts decide") {
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@localhost/app"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@127.0.0.1:5432/app"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@db.example.com/app"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@example.org/app"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@db.test/app"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@pg.invalid/app"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@db.localhost/app"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@host.example/app"));
  CHECK_FALSE(
      credential("postgresql+asyncpg://"
                 "placeholder:placeholder@invalid.local:5432/placeholder"));
  CHECK_FALSE(credential("postgresql://custom:system@database/engine"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@hostname:5432/app"));
  CHECK(sqla::is_placeholder_host("<host>"));
  // Filled in at run time with a real host: the literal password beside it is a
  // credential.
  CHECK_FALSE(sqla::is_placeholder_host("${DB_HOST}"));
  CHECK(credential("postgresql://reporting:R3p0rt!ng@{host}/warehouse"));
  CHECK_FALSE(sqla::is_placeholder_host("db"));
  CHECK_FALSE(sqla::is_placeholder_host("testdb.internal"));
}

TEST_CASE("credentials: placeholder users and passwords") {
  for (const char *url :
       {"postgresql://user:pass@db.internal/app",
        "postgresql://username:password@db.internal/app",
        "postgresql://u:xxx@db.internal/app",
        "postgresql://u:changeme@db.internal/app",
        "postgresql://u:***@db.internal/app",
        "postgresql://u:<password>@db.internal/app",
        "postgresql://u:${DB_PASSWORD}@db.internal/app",
        "postgresql://u:%(pw)s@db.internal/app",
        "postgresql://u:{password}@db.internal/app",
        "postgresql://scott:tiger@db.internal/app",
        "postgresql://placeholder:placeholder@db.internal/app"}) {
    CAPTURE(url);
    CHECK_FALSE(credential(url));
  }
}

TEST_CASE("credentials: patterns, sentinels and short passwords") {
  CHECK_FALSE(credential("postgresql://[^:]+:[^@]+@[^/]+/\\w+"));
  CHECK_FALSE(credential("postgresql://.*:.*@db.internal/app"));
  CHECK_FALSE(credential("postgresql://app:S3cr3t-pw@db.internal/app",
                         "DB_PLACEHOLDER_URL"));
  CHECK_FALSE(
      credential("postgresql://app:S3cr3t-pw@db.internal/app", "DUMMY_URL"));
  CHECK(
      credential("postgresql://app:S3cr3t-pw@db.internal/app", "DATABASE_URL"));
  // Fewer than 4 characters: a test vector, not a secret worth a finding; 4 and
  // more are reported.
  CHECK_FALSE(credential("postgresql://u:p@db.internal/app"));
  CHECK_FALSE(credential("postgresql://u:abc@db.internal/app"));
  CHECK(credential("postgresql://u:abcd@db.internal/app"));
  CHECK(*sqla::not_a_credential(*sqla::parse_database_url(
            "postgresql://u:p@db.invalid/app", false)) ==
        "placeholder or reserved host db.invalid");
}

TEST_CASE("credentials: weak words are placeholders only off the network") {
  // The Victoria shape: `password` on an RDS endpoint is the deployed password.
  CHECK(credential("mysql+pymysql://admin:password@mydb.cbyoyq0e6uzw.us-east-1"
                   ".rds.amazonaws.com:3306/app"));
  CHECK(credential("postgresql://app:secret@10.0.0.5/app"));
  CHECK(credential("postgresql://app:test@db.internal/app"));
  CHECK_FALSE(credential("postgresql://postgres:password@db/app"));
  CHECK_FALSE(credential("postgresql://app:secret@pg.local/app"));
  // A user naming the field documents the URL's shape, on any host.
  CHECK_FALSE(credential("postgresql://user:password@prod.acme.io/app"));
  CHECK_FALSE(credential("postgresql://username:pass@10.0.0.5/app"));
  // Passwords that say they are placeholders stay placeholders everywhere.
  CHECK_FALSE(credential("postgresql://admin:changeme@prod.acme.io/app"));
  CHECK(sqla::is_network_host("10.0.0.5"));
  CHECK(sqla::is_network_host("[2001:db8::1]"));
  CHECK(sqla::is_network_host("pg.acme.io."));
  CHECK_FALSE(sqla::is_network_host("db"));
  CHECK_FALSE(sqla::is_network_host("nas.local"));
}

namespace {

sqla::DeploymentFacts compose_project() {
  sqla::DeploymentFacts d;
  sqla::ComposeDatabase db;
  db.hosts = {"db", "app-postgres"};
  db.image = "postgres:16";
  db.passwords = {"${POSTGRES_PASSWORD:-apppass}"};
  db.where.path = "infra/compose/docker-compose.yml";
  d.compose_databases.push_back(db);
  d.env.push_back(sqla::EnvVariable{"POSTGRES_PASSWORD", "mevpass", {}, false});
  return d;
}

bool credential_in(const sqla::DeploymentFacts &d, std::string_view text) {
  const auto url = sqla::parse_database_url(text, false);
  REQUIRE(url);
  return !sqla::not_a_credential(*url, {}, &d);
}

} // namespace

TEST_CASE("credentials: the project's own compose database") {
  const sqla::DeploymentFacts d = compose_project();
  // The env file's value and the compose default are the service's passwords.
  CHECK_FALSE(credential_in(d, "postgresql+psycopg://mevuser:mevpass@db:5432/mevdb"));
  CHECK_FALSE(credential_in(d, "postgresql://appuser:apppass@db/appdb"));
  CHECK_FALSE(credential_in(d, "postgresql://appuser:apppass@app-postgres/appdb"));
  CHECK(*sqla::compose_database_credential(
            *sqla::parse_database_url("postgresql://u:mevpass@DB/x", false), d) ==
        "the password the project's compose database service `db` "
        "(infra/compose/docker-compose.yml) declares");
  // Another password on that host may be the production one; the same password
  // on another host is another server.
  CHECK(credential_in(d, "postgresql://mevuser:Pr0d-s3cret@db/mevdb"));
  CHECK(credential_in(d, "postgresql://mevuser:mevpass@db2/mevdb"));
  CHECK(credential_in(d, "postgresql://mevuser:mevpass@db.acme.io/mevdb"));
  // Without the project's compose facts the same URL is reported.
  CHECK(credential("postgresql+psycopg://mevuser:mevpass@db:5432/mevdb"));
}

TEST_CASE("credentials: compose password settings") {
  sqla::DeploymentFacts d;
  sqla::ComposeDatabase db;
  db.hosts = {"mysql"};
  db.image = "mysql:8";
  d.compose_databases.push_back(db);
  // No password anywhere: the database image takes the one it is started with.
  CHECK_FALSE(credential_in(d, "mysql://root:r00t-pw@mysql/shop"));
  // An env file declares it: only that one is the service's.
  d.env.push_back(sqla::EnvVariable{"MYSQL_ROOT_PASSWORD", "r00t-pw", {}, false});
  CHECK_FALSE(credential_in(d, "mysql://root:r00t-pw@mysql/shop"));
  CHECK(credential_in(d, "mysql://root:other-pw@mysql/shop"));
  // `${VAR:?message}` has no default; a literal is itself.
  d.compose_databases[0].passwords = {"${DB_PW:?set DB_PW}", "literal-pw"};
  d.env.clear();
  CHECK(credential_in(d, "mysql://root:set DB_PW@mysql/shop"));
  CHECK_FALSE(credential_in(d, "mysql://root:literal-pw@mysql/shop"));
  d.env.push_back(sqla::EnvVariable{"DB_PW", "from-env", {}, false});
  CHECK_FALSE(credential_in(d, "mysql://root:from-env@mysql/shop"));
}
