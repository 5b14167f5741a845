// Model tests for the spans fixes are built from (core/fix.h, py/removal.h): deleting what the facts
// say must leave the rest of the call as written (comments, indentation, trailing commas).
#include <doctest/doctest.h>

#include <string>

#include "py/grammar.h"
#include "rules/fixes.h"
#include "sqla/facts.h"
#include "ts/tree.h"

namespace {

struct Analysed {
  std::string text;
  sqla::FileFacts facts;
  sqla::ProjectFacts project;  ///< the other files (none): no wrapper to look up
};

Analysed analyse(const std::string& code) {
  core::SourceFile source("app/db.py", code);
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  ts::Tree tree = parser.parse(source.text());
  sqla::ProjectFacts project;
  project.files.push_back(sqla::analyze_python(source, tree.root(), "app.db", false, project.context));
  sqla::resolve_project(project);
  return {code, std::move(project.files[0]), {}};
}

std::string without(const std::string& text, const core::TextSpan& span) {
  REQUIRE(span.valid());
  REQUIRE(span.end <= text.size());
  return text.substr(0, span.begin) + text.substr(span.end);
}

/// The text with keyword `name` of the only engine call's first configuration deleted.
std::string drop_keyword(const std::string& code, std::string_view name) {
  const Analysed a = analyse(code);
  REQUIRE(a.facts.engines.size() == 1);
  REQUIRE(!a.facts.engines[0].configs.empty());
  const py::Argument* arg = a.facts.engines[0].configs[0].arg(name);
  REQUIRE(arg != nullptr);
  return without(a.text, arg->removal);
}

}  // namespace

TEST_CASE("removal span: a keyword between others, last, and alone") {
  const std::string head = "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n";
  CHECK(drop_keyword(head + "e = create_engine(URL, pool_size=5, poolclass=NullPool)\n", "pool_size") ==
        head + "e = create_engine(URL, poolclass=NullPool)\n");
  CHECK(drop_keyword(head + "e = create_engine(URL, poolclass=NullPool, pool_size=5)\n", "pool_size") ==
        head + "e = create_engine(URL, poolclass=NullPool)\n");
  CHECK(drop_keyword(head + "e = create_engine(URL, poolclass=NullPool, pool_size=5,)\n", "pool_size") ==
        head + "e = create_engine(URL, poolclass=NullPool,)\n");
  CHECK(drop_keyword(head + "e = create_engine(pool_size=5)\n", "pool_size") == head + "e = create_engine()\n");
}

TEST_CASE("removal span: a keyword on its own line takes the line, its comment and nothing else") {
  const std::string head = "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n";
  const std::string before = head +
                             "engine = create_engine(\n"
                             "    URL,  # the database\n"
                             "    pool_size=5,  # tuned for prod\n"
                             "    poolclass=NullPool,\n"
                             ")\n";
  const std::string after = head +
                            "engine = create_engine(\n"
                            "    URL,  # the database\n"
                            "    poolclass=NullPool,\n"
                            ")\n";
  CHECK(drop_keyword(before, "pool_size") == after);
  // The last one, without a trailing comma: the comma before it stays, which Python accepts.
  const std::string last = head + "engine = create_engine(\n    URL,\n    poolclass=NullPool,\n    pool_size=5\n)\n";
  CHECK(drop_keyword(last, "pool_size") == head + "engine = create_engine(\n    URL,\n    poolclass=NullPool,\n)\n");
  // CRLF line endings: the whole line with its "\r\n".
  const std::string crlf = head + "engine = create_engine(\r\n    URL,\r\n    pool_size=5,\r\n    poolclass=NullPool)\r\n";
  CHECK(drop_keyword(crlf, "pool_size") == head + "engine = create_engine(\r\n    URL,\r\n    poolclass=NullPool)\r\n");
}

TEST_CASE("removal span: a comment between two arguments is never deleted with another one") {
  const std::string head = "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n";
  // The comment belongs to poolclass: deleting pool_size keeps it.
  CHECK(drop_keyword(head + "e = create_engine(URL, poolclass=NullPool,  # why\n  pool_size=5)\n", "pool_size") ==
        head + "e = create_engine(URL, poolclass=NullPool,  # why\n  )\n");
  CHECK(drop_keyword(head + "e = create_engine(URL, pool_size=5,  # why\n  poolclass=NullPool)\n", "pool_size") ==
        head + "e = create_engine(URL, # why\n  poolclass=NullPool)\n");
}

TEST_CASE("removal span: line and column of the span count code points") {
  const Analysed a = analyse(
      "from sqlalchemy import create_engine\nx = 'é'; e = create_engine(URL, pool_size=5)\n");
  const py::Argument* arg = a.facts.engines.at(0).configs.at(0).arg("pool_size");
  REQUIRE(arg != nullptr);
  CHECK(arg->removal.range.begin.line == 2);
  CHECK(arg->removal.range.begin.column == 31);  // the comma after URL
  CHECK(a.text.substr(arg->removal.begin, arg->removal.end - arg->removal.begin) == ", pool_size=5");
}

TEST_CASE("removal span: a **dict argument carries its dict entry's deletion; the call its argument list") {
  const std::string code =
      "from sqlalchemy import create_engine\n"
      "OPTS = {\n    \"pool_size\": 5,\n    \"echo\": True,\n}\n"
      "e = create_engine(URL, **OPTS)\nprint(OPTS)\n";
  const Analysed a = analyse(code);
  const sqla::EngineSite& site = a.facts.engines.at(0);
  const py::Argument* arg = site.configs.at(0).arg("pool_size");
  REQUIRE(arg != nullptr);
  CHECK(arg->via == "**OPTS");
  CHECK(without(code, arg->removal) ==
        "from sqlalchemy import create_engine\nOPTS = {\n    \"echo\": True,\n}\ne = create_engine(URL, **OPTS)\n"
        "print(OPTS)\n");
  REQUIRE(site.arguments.valid());
  CHECK(code.substr(site.arguments.begin, site.arguments.end - site.arguments.begin) == "(URL, **OPTS)");
  // The dict is written outside the call and printed too: deleting its entry changes that reader.
  CHECK(!rules::inside(arg->removal, site.arguments));
  CHECK(!rules::in_own_dict(a.facts, site, arg->removal));
  const auto applicability =
      rules::engine_deletion(a.project, a.facts, site, *arg, [](const sqla::EngineConfig&) { return true; });
  REQUIRE(applicability.has_value());
  CHECK(*applicability == core::Applicability::kUnsafe);
}

TEST_CASE("own dicts: a dict only one engine call reads is that call's; any other read shares it") {
  auto applicability = [](const std::string& code, const char* keyword = "pool_size") {
    const Analysed a = analyse(code);
    REQUIRE(!a.facts.engines.empty());
    const sqla::EngineSite& site = a.facts.engines.at(0);
    const py::Argument* arg = site.configs.at(0).arg(keyword);
    REQUIRE(arg != nullptr);
    return rules::engine_deletion(a.project, a.facts, site, *arg, [](const sqla::EngineConfig&) { return true; });
  };
  const std::string head = "from sqlalchemy import create_engine\n";
  const auto safe = core::Applicability::kSafe;
  const auto unsafe = core::Applicability::kUnsafe;
  // Read once, by the call: module level, a dict(...) call, a function's local, nested in the dict.
  CHECK(applicability(head + "OPTS = {'pool_size': 5}\ne = create_engine(URL, **OPTS)\n") == safe);
  CHECK(applicability(head + "OPTS = dict(pool_size=5)\ne = create_engine(URL, **OPTS)\n") == safe);
  CHECK(applicability(head + "def make(url):\n    o = {'pool_size': 5}\n    return create_engine(url, **o)\n") ==
        safe);
  CHECK(applicability(head + "O = {'connect_args': {'timeout': 5}}\ne = create_engine(URL, **O)\n", "connect_args") ==
        safe);
  // Any other read or write of the name, a second engine, reflection, a second assignment.
  CHECK(applicability(head + "OPTS = {'pool_size': 5}\ne = create_engine(URL, **OPTS)\nOPTS['echo'] = 1\n") ==
        unsafe);
  CHECK(applicability(head + "OPTS = {'pool_size': 5}\ne = create_engine(URL, **OPTS)\nr = create_engine(U, **OPTS)\n") ==
        unsafe);
  CHECK(applicability(head + "OPTS = {'pool_size': 5}\ne = create_engine(URL, **OPTS)\nx = globals()\n") == unsafe);
  CHECK(applicability(head + "OPTS = {'pool_size': 5}\nOPTS = {'pool_size': 6}\ne = create_engine(URL, **OPTS)\n") ==
        unsafe);
  CHECK(applicability(head + "OPTS = {'pool_size': 5}\n__all__ = ['engine']\ne = create_engine(URL, **OPTS)\n") ==
        unsafe);
  // A dict the call reaches through another name: only the splatted name's own dict counts.
  CHECK(applicability(head + "BASE = {'pool_size': 5}\nOPTS = BASE\ne = create_engine(URL, **OPTS)\n") == unsafe);
}

TEST_CASE("removal span: entries of a dict display inside the call, and of dict(...)") {
  const std::string head = "from sqlalchemy import create_engine\n";
  const std::string code = head + "e = create_engine(URL, connect_args={\"check_same_thread\": False, \"timeout\": 5})\n";
  const Analysed a = analyse(code);
  const py::Argument* args = a.facts.engines.at(0).configs.at(0).arg("connect_args");
  REQUIRE(args != nullptr);
  const py::DictEntry* entry = args->value->dict->find("check_same_thread");
  REQUIRE(entry != nullptr);
  CHECK(without(code, entry->removal) == head + "e = create_engine(URL, connect_args={\"timeout\": 5})\n");
  CHECK(rules::inside(entry->removal, a.facts.engines[0].arguments));

  const std::string call = head + "e = create_engine(URL, connect_args=dict(timeout=5, check_same_thread=False))\n";
  const Analysed b = analyse(call);
  const py::DictEntry* keyword = b.facts.engines.at(0).configs.at(0).arg("connect_args")->value->dict->find(
      "check_same_thread");
  REQUIRE(keyword != nullptr);
  CHECK(without(call, keyword->removal) == head + "e = create_engine(URL, connect_args=dict(timeout=5))\n");
}

TEST_CASE("removal span: a session factory's autocommit keyword") {
  const std::string code = "from sqlalchemy.orm import sessionmaker\nS = sessionmaker(autocommit=True, bind=engine)\n";
  const Analysed a = analyse(code);
  REQUIRE(a.facts.session_autocommit.size() == 1);
  CHECK(without(code, a.facts.session_autocommit[0].removal) ==
        "from sqlalchemy.orm import sessionmaker\nS = sessionmaker(bind=engine)\n");
}

TEST_CASE("engine deletion: safe only when every branch passing the keyword is rejected") {
  const std::string code =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool, QueuePool\n"
      "e = create_engine(URL, poolclass=NullPool if DEBUG else QueuePool, pool_size=5)\n";
  const Analysed a = analyse(code);
  const sqla::EngineSite& site = a.facts.engines.at(0);
  REQUIRE(site.configs.size() == 2);
  const py::Argument* arg = site.configs[0].arg("pool_size");
  REQUIRE(arg != nullptr);
  auto null_only = [](const sqla::EngineConfig& c) { return c.pool.kind == sqla::Pool::kNull; };
  CHECK(rules::engine_deletion(a.project, a.facts, site, *arg, null_only) == core::Applicability::kUnsafe);
  CHECK(rules::engine_deletion(a.project, a.facts, site, *arg, [](const sqla::EngineConfig&) { return true; }) ==
        core::Applicability::kSafe);
}

TEST_CASE("deletion fix: identical spans once, overlapping ones left for the next round") {
  const std::string head = "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n";
  const std::string code = head + "e = create_engine(URL, poolclass=NullPool, pool_size=5, max_overflow=2)\n";
  const Analysed a = analyse(code);
  const sqla::EngineConfig& config = a.facts.engines.at(0).configs.at(0);
  const py::Argument* size = config.arg("pool_size");
  const py::Argument* overflow = config.arg("max_overflow");
  REQUIRE((size && overflow));
  const auto fix = rules::deletion_fix({{"pool_size", size->removal, core::Applicability::kSafe},
                                        {"pool_size", size->removal, core::Applicability::kSafe},
                                        {"max_overflow", overflow->removal, core::Applicability::kSafe}});
  REQUIRE(fix.has_value());
  CHECK(fix->edits.size() == 1);  // ", max_overflow=2" overlaps "pool_size=5, "
  CHECK(fix->title == "Remove `pool_size`");
  CHECK(rules::removal_title({"a", "b", "c"}) == "Remove `a`, `b` and `c`");
}
