// The facts of every analysed file live until the project phase (issue #16, item 3): what the file
// phase keeps of a file must carry no unused vector capacity, whatever order the facts were found in.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/file_facts.h"
#include "app/file_phase.h"
#include "core/source_file.h"
#include "py/grammar.h"
#include "sqla/fact_compaction.h"
#include "sqla/facts.h"
#include "sqla/project_context.h"
#include "ts/tree.h"

namespace {

/// A module whose functions call each other (entry-point calls), use an imported name (registry
/// references) and end with `with` blocks: facts pushed one by one into growing vectors.
std::string many_calls(int functions) {
  std::string text = "from app.db import SessionLocal, engine\nfrom app import helpers\n\n";
  for (int i = 0; i < functions; ++i) {
    const std::string n = std::to_string(i);
    text += "def f" + n + "(x):\n    helpers.work(x)\n    g = SessionLocal\n";
    if (i > 0) text += "    f" + std::to_string(i - 1) + "(x)\n";
    text += "    with engine.connect() as c:\n        c.execute(x)\n    return g\n\n";
  }
  return text;
}

}  // namespace

TEST_CASE("the file phase keeps a file's facts without unused vector capacity") {
  app::InputFile file;
  file.path = file.display_path = "app/service.py";
  file.module_name = "app.service";
  file.text = many_calls(37);  // not a power of two: push_back leaves slack
  const sqla::ProjectContext context;
  app::Pass pass{context, 1u << 20};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  const std::optional<app::FileResult> result = app::process(file, parser, pass);
  REQUIRE(result);
  REQUIRE(result->python);
  const sqla::FileFacts& facts = *result->python;
  // The module holds what the slack would be measured on: the guard is not vacuous.
  CHECK(facts.entry.calls.size() >= 37);
  CHECK(facts.registry_references.size() >= 37);
  CHECK(facts.scopes.size() == 37);
  CHECK(sqla::vector_slack(facts) == 0);
  // Analysed alone, the same module leaves slack: the file phase is what gives it back.
  const core::SourceFile source{file.display_path, *file.text};
  ts::Tree tree = parser.parse(source.text());
  CHECK(sqla::vector_slack(sqla::analyze_python(source, tree.root(), file.module_name, false, context)) > 0);
}

TEST_CASE("compact() keeps every fact and its order") {
  sqla::FileFacts facts;
  for (int i = 0; i < 5; ++i) facts.scopes.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(i), "f" + std::to_string(i)});
  REQUIRE(facts.scopes.capacity() > facts.scopes.size());
  CHECK(sqla::vector_slack(facts) > 0);
  sqla::compact(facts);
  CHECK(sqla::vector_slack(facts) == 0);
  REQUIRE(facts.scopes.size() == 5);
  for (uint32_t i = 0; i < 5; ++i) CHECK(facts.scopes[i].name == "f" + std::to_string(i));
}

TEST_CASE("drop_shadowed_facts() keeps the first call per caller and callee, the first release per name") {
  sqla::FileFacts facts;
  auto call = [](std::string caller, std::string callee, std::string symbol, uint32_t line) {
    return sqla::FunctionCall{std::move(caller), std::move(callee), std::move(symbol), core::Location{"a.py", {{line, 1}, {line, 2}}}};
  };
  facts.entry.calls = {call("view", "helper", "", 3), call("view", "", "app.db.get", 4), call("view", "helper", "", 5),
                       call("other", "helper", "", 6), call("view", "", "app.db.get", 7)};
  auto release = [](std::string object, std::string method, uint32_t line) {
    return sqla::RegistryRelease{std::move(object), std::move(method), core::Location{"a.py", {{line, 1}, {line, 2}}}};
  };
  facts.entry.registry_releases = {release("db_session", "remove", 3), release("self.db_session", "close", 4),
                                   release("conn", "close", 5), release("db_session", "register", 6)};
  sqla::drop_shadowed_facts(facts);
  std::vector<uint32_t> call_lines;
  for (const sqla::FunctionCall& c : facts.entry.calls) call_lines.push_back(c.where.range.begin.line);
  CHECK(call_lines == std::vector<uint32_t>{3, 4, 6});
  std::vector<uint32_t> release_lines;
  for (const sqla::RegistryRelease& r : facts.entry.registry_releases) release_lines.push_back(r.where.range.begin.line);
  CHECK(release_lines == std::vector<uint32_t>{3, 5});
}

TEST_CASE("a module no file imports keeps only the exports its own facts can look up") {
  sqla::FileFacts facts;
  auto value = [] { return py::Alts{py::Alt{std::make_shared<const py::Value>(py::Value::of_int(1, {})), {}}}; };
  for (const char* name : {"POOL_SIZE", "helper", "make()", "Settings", "Settings.url", "Settings()"}) {
    facts.exports.names.emplace(name, value());
  }
  facts.exports.classes.insert("Settings");
  sqla::drop_unimported_exports(facts);
  std::vector<std::string> kept;
  for (const auto& [name, alts] : facts.exports.names) kept.push_back(name);
  std::sort(kept.begin(), kept.end());
  CHECK(kept == std::vector<std::string>{"Settings", "Settings()", "Settings.url", "make()"});
  CHECK(facts.exports.classes.count("Settings") == 1);
}

TEST_CASE("the file phase trims the exports of the modules no file imports, and only theirs") {
  auto python = [](std::string path, std::string module, std::string text) {
    app::InputFile f;
    f.path = f.display_path = std::move(path);
    f.module_name = std::move(module);
    f.text = std::move(text);
    return f;
  };
  // Both files hold facts (an engine) and so are analysed; only app/db.py is imported.
  const std::string body = "from sqlalchemy import create_engine\nPOOL_SIZE = 5\nengine = create_engine('sqlite://')\n";
  const std::vector<app::InputFile> files = {python("app/db.py", "app.db", body),
                                             python("app/main.py", "app.main", "from app.db import engine\n" + body)};
  const sqla::ProjectContext context;
  for (const bool prefilter : {true, false}) {
    const std::vector<app::FileResult> results = app::file_phase(files, context, 1u << 20, false, prefilter, 1);
    REQUIRE(results.size() == 2);
    REQUIRE(results[0].python);
    REQUIRE(results[1].python);
    CHECK(results[0].python->exports.names.count("POOL_SIZE") == 1);
    // Without the pre-filter the imports are not known: nothing is trimmed.
    CHECK(results[1].python->exports.names.count("POOL_SIZE") == (prefilter ? 0 : 1));
  }
}
