// What the annotated fixtures cannot say: severities and wording that depend on the target
// SQLAlchemy version (PA102, PA108, PA121) and masked URLs (PA109).
#include <doctest/doctest.h>

#include "rules/common.h"
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

TEST_CASE("a wrapper's call site repeats nothing the engine call inside the wrapper reports") {
  // The helper builds its own NullPool + pre-ping engine; its callers configure nothing.
  const char* text =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
      "def clean(url, **kw):\n"
      "    e = create_engine(url, poolclass=NullPool, pool_pre_ping=True, **kw)\n"
      "    e.dispose()\n"
      "clean('postgresql://db/app')\n"
      "clean('postgresql://db/app', pool_recycle=5)\n";
  core::SourceFile source{"app/db.py", text};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(source.text());
  sqla::ProjectFacts facts;
  facts.files.push_back(sqla::analyze_python(source, tree.root(), "app.db", false, facts.context));
  sqla::resolve_project(facts);
  // The model: each call of the wrapper is a site that knows the engine call it goes through.
  int through = 0;
  for (const sqla::EngineSite& site : facts.files[0].engines) {
    if (site.through.empty()) continue;
    ++through;
    CHECK(site.through == "clean");
    CHECK(site.wrapped_site.range.begin.line == 4);
  }
  REQUIRE(through == 2);
  const std::vector<std::pair<std::string_view, std::vector<uint32_t>>> expected{
      {"PA102", {4}},  // once, at the helper
      {"PA103", {7}},  // the caller's own pool_recycle meets the helper's NullPool
  };
  for (const auto& [code, kept_lines] : expected) {
    std::vector<core::Finding> found;
    core::Sink sink(rules::find_rule(code)->info, found);
    rules::find_rule(code)->check(facts, sink);
    CHECK(found.size() >= kept_lines.size());
    rules::drop_wrapper_repeats(facts, found);
    std::vector<uint32_t> lines;
    for (const core::Finding& f : found) lines.push_back(f.where.range.begin.line);
    CHECK_MESSAGE(lines == kept_lines, code);
  }
}
