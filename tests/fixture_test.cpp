// The generic annotated-fixture runner: every fixture under fixtures/ is checked both ways.
//   `# expect: PA101`       a finding of PA101 on this line (trailing) or on the next code line
//   `# todo-expect: PA101`  a known miss (fails once the finding appears, so it gets promoted)
//   `# todo-ok: PA101`      tolerated noise
// fixtures/PAnnn/<file or dir> runs PAnnn plus any rule its annotations name;
// fixtures/projects/<dir> runs every rule.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "app/analyze.h"
#include "app/walk.h"
#include "tests/fixtures.h"

namespace fs = std::filesystem;

namespace {

struct Key {
  std::string code;
  std::string path;
  uint32_t line;
  friend auto operator<=>(const Key&, const Key&) = default;
};

struct Expectations {
  std::multiset<Key> expect;
  std::set<Key> todo_expect;
  std::set<Key> todo_ok;
  std::set<std::string> codes;
};

bool annotated_file(const fs::path& p) {
  static const std::set<std::string> kExt = {".py", ".ini", ".yml", ".yaml", ".toml", ".cfg", ".txt", ".conf", ".sh"};
  return kExt.count(p.extension().string()) > 0 || p.filename() == "Procfile" || p.filename() == "Dockerfile";
}

void read_annotations(const fs::path& file, Expectations& out) {
  static const std::regex kMark(R"((?:#|;)\s*(todo-expect|todo-ok|expect):\s*([A-Z0-9, ]+))");
  std::ifstream in(file);
  std::string line;
  std::vector<std::pair<std::string, std::string>> pending;  // marks waiting for the next code line
  const std::string display = app::display_path(file.string());
  uint32_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::smatch m;
    const bool has_mark = std::regex_search(line, m, kMark);
    std::string before = has_mark ? line.substr(0, static_cast<size_t>(m.position(0))) : line;
    const bool code_line = before.find_first_not_of(" \t\r") != std::string::npos;
    std::vector<std::pair<std::string, std::string>> marks;
    if (has_mark) {
      std::stringstream codes(m[2].str());
      std::string code;
      while (std::getline(codes, code, ',')) {
        code.erase(std::remove(code.begin(), code.end(), ' '), code.end());
        if (!code.empty()) marks.emplace_back(m[1].str(), code);
      }
    }
    auto apply = [&](const std::pair<std::string, std::string>& mark) {
      Key key{mark.second, display, number};
      out.codes.insert(mark.second);
      if (mark.first == "expect") out.expect.insert(key);
      else if (mark.first == "todo-expect") out.todo_expect.insert(key);
      else out.todo_ok.insert(key);
    };
    if (code_line) {
      for (const auto& mark : pending) apply(mark);
      pending.clear();
      for (const auto& mark : marks) apply(mark);
    } else {
      for (auto& mark : marks) pending.push_back(mark);
    }
  }
}

Expectations collect(const fs::path& fixture) {
  Expectations e;
  if (fs::is_directory(fixture)) {
    for (const auto& entry : fs::recursive_directory_iterator(fixture)) {
      if (entry.is_regular_file() && annotated_file(entry.path())) read_annotations(entry.path(), e);
    }
  } else {
    read_annotations(fixture, e);
  }
  return e;
}

std::string check_fixture(const fs::path& fixture, const std::vector<std::string>& select) {
  Expectations e = collect(fixture);
  std::vector<std::string> selection = select;
  if (!selection.empty() && selection[0] != "ALL") {
    for (const std::string& code : e.codes) selection.push_back(code);
  }
  std::string error;
  auto rules = app::select_rules(selection, {}, error);
  if (!rules) return "bad selection: " + error;
  app::Options options;
  options.paths = {fixture.string()};
  options.jobs = 1;
  options.files_only = true;  // a fixture file is a one-file project, not a file of this repository
  auto report = app::analyze(options, *rules, error);
  if (!report) return "analysis failed: " + error;
  std::ostringstream problems;
  std::multiset<Key> expected = e.expect;
  std::vector<const core::Finding*> all;
  for (const auto& f : report->findings) all.push_back(&f);
  for (const auto& d : report->diagnostics) all.push_back(&d);
  for (const core::Finding* f : all) {
    Key key{f->code, f->where.path, f->where.range.begin.line};
    auto it = expected.find(key);
    if (it != expected.end()) {
      expected.erase(it);
    } else if (e.todo_expect.count(key)) {
      problems << "todo-expect now passes (make it expect): " << f->code << " at " << f->where.path << ":"
               << key.line << "\n";
    } else if (!e.todo_ok.count(key)) {
      problems << "noisy " << f->code << " at " << f->where.path << ":" << key.line << " \"" << f->message << "\"\n";
    }
  }
  for (const Key& k : expected) problems << "missing " << k.code << " at " << k.path << ":" << k.line << "\n";
  return problems.str();
}

}  // namespace

TEST_CASE("annotated fixtures: every rule fixture, both directions") {
  const fs::path root = fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures";
  std::error_code ec;
  fs::current_path(POOLAUDIT_SOURCE_DIR, ec);  // display paths relative to the repository
  size_t checked = 0;
  for (const fs::path& fixture : tests::rule_fixtures(root)) {
    const std::string code = fixture.parent_path().filename().string();
    const std::string problems = check_fixture(fixture, {code});
    INFO("fixture " << fixture.lexically_relative(POOLAUDIT_SOURCE_DIR).generic_string());
    CHECK_MESSAGE(problems.empty(), problems);
    ++checked;
  }
  for (const fs::path& project : tests::project_fixtures(root)) {
    const std::string problems = check_fixture(project, {"ALL"});
    INFO("project " << project.lexically_relative(POOLAUDIT_SOURCE_DIR).generic_string());
    CHECK_MESSAGE(problems.empty(), problems);
    ++checked;
  }
  CHECK(checked > 0);
}

TEST_CASE("every rule has fixtures with at least one expect and one clean case") {
  const fs::path root = fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures";
  for (const rules::Rule* rule : rules::all_rules()) {
    const std::string code(rule->info.code);
    INFO(code);
    const fs::path dir = root / code;
    REQUIRE_MESSAGE(fs::is_directory(dir), "no fixtures/" << code);
    size_t expects = 0;
    size_t clean = 0;
    for (const fs::path& fixture : tests::rule_fixtures(root)) {
      if (fixture.parent_path().filename() != code) continue;
      Expectations e = collect(fixture);
      expects += static_cast<size_t>(std::count_if(e.expect.begin(), e.expect.end(),
                                                   [&](const Key& k) { return k.code == code; }));
      const std::string name = fixture.filename().string();
      if (e.expect.empty() || name.find("clean") != std::string::npos || name.find("ok") != std::string::npos) ++clean;
    }
    CHECK_MESSAGE(expects > 0, code << " has no `# expect:` annotation");
    CHECK_MESSAGE(clean > 0, code << " has no clean look-alike fixture (a file or dir with no expect, or named *clean*/*ok*)");
  }
}
