// What the annotated fixtures cannot say: severities and wording that depend on the target
// SQLAlchemy version (PA102, PA108, PA121) and masked URLs (PA109).
#include <doctest/doctest.h>

#include "tests/rule_runner.h"

namespace {

std::vector<core::Finding> run(std::string_view code, const char* text, std::optional<sqla::Version> version) {
  return tests::run_rule(code, text, tests::RuleSetup{version, {}});
}

}  // namespace

TEST_CASE("PA102 is info on 1.4+, a warning about the extra round trip on 1.3") {
  const char* text =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
      "e = create_engine('postgresql://db/app', poolclass=NullPool, pool_pre_ping=True)\n";
  const auto latest = run("PA102", text, std::nullopt);
  REQUIRE(latest.size() == 1);
  CHECK(latest[0].severity == core::Severity::kInfo);
  const auto old = run("PA102", text, sqla::Version{1, 3, 24});
  REQUIRE(old.size() == 1);
  CHECK(old[0].severity == core::Severity::kWarning);
  CHECK(old[0].message.find("round trip") != std::string::npos);
}

TEST_CASE("PA108 quotes the ArgumentError from 2.0.28 and the event-loop stall before") {
  const char* text =
      "from sqlalchemy.ext.asyncio import create_async_engine\nfrom sqlalchemy.pool import QueuePool\n"
      "e = create_async_engine('postgresql+asyncpg://db/app', poolclass=QueuePool)\n";
  const auto latest = run("PA108", text, std::nullopt);
  REQUIRE(latest.size() == 1);
  CHECK(latest[0].severity == core::Severity::kError);
  CHECK(latest[0].message.find("Pool class QueuePool cannot be used with asyncio engine") != std::string::npos);
  const auto old = run("PA108", text, sqla::Version{2, 0, 27});
  REQUIRE(old.size() == 1);
  CHECK(old[0].message.find("stalls the event loop") != std::string::npos);
  const char* reverse =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import AsyncAdaptedQueuePool\n"
      "e = create_engine('postgresql://db/app', poolclass=AsyncAdaptedQueuePool)\n";
  const auto sync = run("PA108", reverse, sqla::Version{2, 0, 52});
  REQUIRE(sync.size() == 1);
  CHECK(sync[0].severity == core::Severity::kError);
  CHECK(sync[0].message.find("cannot be used with non-asyncio engine") != std::string::npos);
  const auto sync_old = run("PA108", reverse, sqla::Version{1, 4, 46});
  REQUIRE(sync_old.size() == 1);
  CHECK(sync_old[0].severity == core::Severity::kWarning);
}

TEST_CASE("PA121 is an error only when the project targets a version where the keyword fails") {
  const char* text =
      "from sqlalchemy import create_engine\n"
      "e = create_engine('postgresql://db/app', encoding='utf8', future=False, implicit_returning=False)\n";
  const auto unknown = run("PA121", text, std::nullopt);
  REQUIRE(unknown.size() == 3);
  for (const core::Finding& f : unknown) CHECK(f.severity == core::Severity::kWarning);
  const auto two = run("PA121", text, sqla::Version{2, 0, 0});
  REQUIRE(two.size() == 3);
  int errors = 0;
  for (const core::Finding& f : two) errors += f.severity == core::Severity::kError ? 1 : 0;
  CHECK(errors == 2);  // implicit_returning is a deprecated no-op on 2.0, not an error
  const auto strategy = run("PA121",
                            "from sqlalchemy import create_engine\n"
                            "e = create_engine('postgresql://db/app', strategy='threadlocal')\n",
                            sqla::Version{1, 4, 46});
  REQUIRE(strategy.size() == 1);
  CHECK(strategy[0].severity == core::Severity::kError);
  CHECK(strategy[0].message.find("unknown strategy: 'threadlocal'") != std::string::npos);
}

TEST_CASE("PA109 and PA120 show the URL masked") {
  const char* text =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import StaticPool\n"
      "e = create_engine('postgresql://app:Zq8vT2ukd@db/app', poolclass=StaticPool,\n"
      "                  connect_args={'check_same_thread': False})\n";
  for (const char* code : {"PA109", "PA120"}) {
    const auto findings = run(code, text, std::nullopt);
    REQUIRE(findings.size() == 1);
    for (const core::Note& n : findings[0].notes) CHECK(n.message.find("Zq8vT2ukd") == std::string::npos);
    CHECK(findings[0].message.find("Zq8vT2ukd") == std::string::npos);
  }
}
