// Autofix end to end (the real binary): before/after fixture pairs, idempotence, --diff, --fix-only,
// stdin, and --fix --unsafe-fixes over every fixture proving no fix breaks parsing or adds findings.
#include <doctest/doctest.h>

#include <filesystem>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "app/text_edits.h"
#include "app/unified_diff.h"
#include "py/grammar.h"
#include "tests/cli_run.h"
#include "tests/parses.h"
#include "tests/temp_dir.h"
#include "ts/tree.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFixFixtures = fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures" / "fix";

/// Runs poolaudit in `dir`; `input`, when given, on its standard input.
tests::CliResult in_dir(const fs::path& dir, const std::string& args, const std::string& input = "") {
  static tests::TempDir feeds;
  std::string feed;
  if (!input.empty()) feed = "cat " + tests::shell_quote(feeds.write("stdin.py", input).string()) + " | ";
  return tests::run_shell("(cd " + tests::shell_quote(dir.string()) + " && " + feed + "env -u NO_COLOR " +
                          tests::shell_quote(POOLAUDIT_BINARY) + " " + args + ")");
}

/// Unsuppressed findings per (path, rule) in a JSON report.
std::map<std::pair<std::string, std::string>, int> counts(const std::string& json) {
  std::map<std::pair<std::string, std::string>, int> out;
  const nlohmann::json report = nlohmann::json::parse(json);  // a range-for over parse(...)[...] dangles
  for (const auto& f : report["findings"]) {
    if (!f["suppressed"].get<bool>()) ++out[{f["path"].get<std::string>(), f["rule"].get<std::string>()}];
  }
  return out;
}

}  // namespace

TEST_CASE("text edits: applied in order, rounds take non-overlapping fixes once") {
  const core::Edit a{{0, 2, {}}, "x"};
  const core::Edit b{{4, 5, {}}, ""};
  CHECK(app::apply_edits("abcdef", {a, b}) == "xcdf");
  CHECK(app::apply_edits("\xEF\xBB\xBF" "abcdef", {a, b}, 3) == "\xEF\xBB\xBF" "xcdf");
  const core::Fix first{"one", core::Applicability::kSafe, {a}};
  const core::Fix same{"same", core::Applicability::kSafe, {a}};
  const core::Fix clash{"clash", core::Applicability::kSafe, {core::Edit{{1, 3, {}}, ""}}};
  const core::Fix apart{"apart", core::Applicability::kSafe, {b}};
  CHECK(app::pick_round({&clash, &first, &same, &apart}) == std::vector<size_t>{1, 3});
}

TEST_CASE("unified diff: hunks with context, nothing for equal texts") {
  CHECK(app::unified_diff("a\nb\n", "a\nb\n", "x.py").empty());
  const std::string d = app::unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\n6\n7\n8\n", "app/x.py");
  CHECK(d == "--- a/app/x.py\n+++ b/app/x.py\n@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");
  CHECK(app::unified_diff("a", "b", "x.py") ==
        "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n");
}

TEST_CASE("fix fixtures: every before file becomes its .fixed.py, and a second --fix changes nothing") {
  size_t pairs = 0;
  for (const auto& rule_dir : fs::directory_iterator(kFixFixtures)) {
    if (!rule_dir.is_directory()) continue;
    const std::string code = rule_dir.path().filename().string();
    for (const auto& entry : fs::directory_iterator(rule_dir.path())) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() != ".py" || name.find(".fixed.") != std::string::npos) continue;
      const fs::path expected = entry.path().parent_path() / (entry.path().stem().string() + ".fixed.py");
      INFO(entry.path().string());
      REQUIRE(fs::exists(expected));
      tests::TempDir dir;
      dir.write(name, tests::slurp(entry.path()));
      const fs::path config = rule_dir.path() / "poolaudit.toml";
      if (fs::exists(config)) dir.write("poolaudit.toml", tests::slurp(config));
      const std::string flags = std::string("--fix --exit-zero --select ") + code +
                                (name.find("unsafe") != std::string::npos ? " --unsafe-fixes " : " ");
      const tests::CliResult first = in_dir(dir.path(), flags + name);
      INFO(first.out << first.err);
      CHECK(first.code == 0);
      CHECK(tests::slurp(dir.path() / name) == tests::slurp(expected));
      const tests::CliResult diff = in_dir(dir.path(), flags + "--diff " + name);
      CHECK(diff.out.empty());  // idempotent
      CHECK(diff.code == 0);
      ++pairs;
    }
  }
  CHECK(pairs >= 8);
}

TEST_CASE("--diff prints what --fix would do, changes nothing, exits 1; --fix-only; stdin") {
  tests::TempDir dir;
  const std::string before =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
      "engine = create_engine('postgresql://db/app', poolclass=NullPool, pool_size=5)\n";
  const std::string after =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
      "engine = create_engine('postgresql://db/app', poolclass=NullPool)\n";
  dir.write("app.py", before);
  const tests::CliResult diff = in_dir(dir.path(), "--diff --select PA101 app.py");
  CHECK(diff.code == 1);
  CHECK(diff.out.find("--- a/app.py\n+++ b/app.py\n") == 0);
  CHECK(diff.out.find("-engine = create_engine('postgresql://db/app', poolclass=NullPool, pool_size=5)\n") !=
        std::string::npos);
  CHECK(tests::slurp(dir.path() / "app.py") == before);
  // The text report marks the fixable finding and says how to fix it.
  const tests::CliResult text = in_dir(dir.path(), "--select PA101 app.py");
  CHECK(text.code == 1);
  CHECK(text.out.find("[PA101] [*]\n") != std::string::npos);
  CHECK(text.out.find("[*] 1 fixable with --fix\n") != std::string::npos);
  // JSON carries the edit with bytes and line/column.
  const tests::CliResult json = in_dir(dir.path(), "--select PA101 --format json app.py");
  const auto fix = nlohmann::json::parse(json.out)["findings"][0]["autofix"];
  CHECK(fix["applicability"] == "safe");
  CHECK(fix["edits"][0]["line"] == 3);
  CHECK(fix["edits"][0]["content"] == "");
  // stdin: the fixed source on stdout, the file untouched.
  const tests::CliResult piped = in_dir(dir.path(), "--fix-only --select PA101 -", before);
  CHECK(piped.code == 0);
  CHECK(piped.out == after);
  // The source goes back to the editor as written: a password in it is the user's code, not output
  // to mask (the report on stderr is still masked).
  const std::string secret = "e = create_engine('postgresql://u:hunter2@db/app', poolclass=NullPool, pool_size=5)\n";
  const tests::CliResult kept = in_dir(dir.path(), "--fix --select PA101 -", before + secret);
  CHECK(kept.out == after + "e = create_engine('postgresql://u:hunter2@db/app', poolclass=NullPool)\n");
  CHECK(kept.err.find("hunter2") == std::string::npos);
  CHECK(tests::slurp(dir.path() / "app.py") == before);
  // --fix-only: fixed in place, no report, exit 0.
  const tests::CliResult only = in_dir(dir.path(), "--fix-only --select PA101 app.py");
  CHECK(only.code == 0);
  CHECK(only.out.empty());
  CHECK(tests::slurp(dir.path() / "app.py") == after);
  const tests::CliResult clean = in_dir(dir.path(), "--diff --select PA101 app.py");
  CHECK(clean.code == 0);
  CHECK(clean.out.empty());
}

TEST_CASE("--fix --unsafe-fixes over every fixture: Python still parses, no finding is added") {
  tests::TempDir dir;
  const fs::path tree = dir.path() / "fixtures";
  fs::copy(fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures", tree, fs::copy_options::recursive);
  fs::remove_all(tree / "fix");
  std::map<std::string, std::string> before;
  for (const auto& entry : fs::recursive_directory_iterator(tree)) {
    if (entry.path().extension() == ".py") before[entry.path().string()] = tests::slurp(entry.path());
  }
  const std::string args = "--select ALL --isolated --exit-zero --format json fixtures";
  const tests::CliResult audit = in_dir(dir.path(), args);
  REQUIRE(audit.code == 0);
  const auto old_counts = counts(audit.out);
  const tests::CliResult fixed = in_dir(dir.path(), "--fix --unsafe-fixes " + args);
  INFO(fixed.err);
  REQUIRE(fixed.code == 0);
  size_t changed = 0;
  for (const auto& [path, text] : before) {
    const std::string now = tests::slurp(path);
    if (now == text) continue;
    ++changed;
    INFO(path);
    CHECK(tests::parses(now));
  }
  CHECK(changed > 0);
  for (const auto& [key, count] : counts(fixed.out)) {
    INFO(key.first << " " << key.second);
    const auto old = old_counts.find(key);
    CHECK((old != old_counts.end() && old->second >= count));
  }
  // Idempotent: nothing left to do.
  const tests::CliResult again = in_dir(dir.path(), "--diff --unsafe-fixes --select ALL --isolated fixtures");
  CHECK(again.out.empty());
  CHECK(again.code == 0);
}

TEST_CASE("a module-level dict only one engine reads: safe unless another file may import the module") {
  tests::TempDir dir;
  const std::string db =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
      "OPTS = {\"poolclass\": NullPool, \"pool_size\": 5}\n"
      "engine = create_engine(\"postgresql://db/app\", **OPTS)\n";
  dir.write("app/__init__.py", "");
  dir.write("app/db.py", db);
  const tests::CliResult alone = in_dir(dir.path(), "--diff --select PA101 .");
  CHECK(alone.code == 1);
  CHECK(alone.out.find("-OPTS = {\"poolclass\": NullPool, \"pool_size\": 5}\n+OPTS = {\"poolclass\": NullPool}\n") !=
        std::string::npos);
  // A module that imports app.db may read OPTS (here it does; a bare `import app.db` counts too):
  // the deletion is unsafe, so safe --fix leaves the file.
  dir.write("app/main.py", "from app.db import OPTS\nprint(OPTS)\n");
  const tests::CliResult shared = in_dir(dir.path(), "--diff --select PA101 .");
  CHECK(shared.out.empty());
  CHECK(shared.code == 0);
  const tests::CliResult json = in_dir(dir.path(), "--select PA101 --format json .");
  CHECK(nlohmann::json::parse(json.out)["findings"][0]["autofix"]["applicability"] == "unsafe");
  dir.write("app/main.py", "import os\nimport app.db\n");
  CHECK(in_dir(dir.path(), "--diff --select PA101 .").out.empty());
  // Without the pre-filter nobody knows the importers: unsafe too.
  fs::remove(dir.path() / "app" / "main.py");
  CHECK(in_dir(dir.path(), "--diff --no-prefilter --select PA101 .").out.empty());
}

TEST_CASE("PA121: a removed keyword given its 1.x default is deleted safely without a target version") {
  tests::TempDir dir;
  dir.write("db.py",
            "from sqlalchemy import create_engine\n"
            "a = create_engine(URL, encoding=\"utf-8\", future=False)\n"
            "b = create_engine(URL, encoding=\"latin1\")\n"
            "c = create_engine(URL, convert_unicode=True, case_sensitive=True)\n"
            "d = create_engine(URL, empty_in_strategy=\"static\")\n"
            "e = create_engine(URL, empty_in_strategy=\"dynamic\")\n");
  const tests::CliResult fixed = in_dir(dir.path(), "--fix --exit-zero --isolated --select PA121 db.py");
  INFO(fixed.err);
  CHECK(tests::slurp(dir.path() / "db.py") ==
        "from sqlalchemy import create_engine\n"
        "a = create_engine(URL)\n"
        "b = create_engine(URL, encoding=\"latin1\")\n"
        "c = create_engine(URL, convert_unicode=True, case_sensitive=True)\n"
        "d = create_engine(URL)\n"
        "e = create_engine(URL, empty_in_strategy=\"dynamic\")\n");
}

namespace {

/// True when every hunk's header counts match its body (the lines a patch tool reads).
bool well_formed(const std::string& diff) {
  std::istringstream in(diff);
  std::string line;
  long old_left = 0, new_left = 0;
  while (std::getline(in, line)) {
    if (line.rfind("@@ ", 0) == 0) {
      if (old_left != 0 || new_left != 0) return false;
      // `-start[,count] +start[,count]`: a count of 1 is left out.
      auto count = [&](char sign) {
        const size_t at = line.find(sign, 2);
        const size_t end = line.find(' ', at);
        const size_t comma = line.find(',', at);
        return comma < end ? std::stol(line.substr(comma + 1, end - comma - 1)) : 1L;
      };
      old_left = count('-');
      new_left = count('+');
    } else if (line.rfind("---", 0) == 0 || line.rfind("+++", 0) == 0 || line.rfind("\\", 0) == 0) {
      continue;
    } else if (!line.empty() && line[0] == '-') {
      --old_left;
    } else if (!line.empty() && line[0] == '+') {
      --new_left;
    } else if (!line.empty() && line[0] == ' ') {
      --old_left;
      --new_left;
    } else {
      return false;
    }
  }
  return old_left == 0 && new_left == 0;
}

}  // namespace

TEST_CASE("--diff: git headers for a relative path, the path as given for an absolute one; masked, well-formed") {
  tests::TempDir dir;
  const std::string text =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n\n\n"
      "engine = create_engine(\n    'postgresql://app:hunter2@db/app',\n    poolclass=NullPool,\n"
      "    pool_size=5,\n)\n\n\nother = 1\n";
  dir.write("app.py", text);
  const tests::CliResult relative = in_dir(dir.path(), "--diff --select PA101 app.py");
  CHECK(relative.out.find("--- a/app.py\n+++ b/app.py\n") == 0);
  const std::string absolute_path = (dir.path() / "app.py").string();
  // A file outside the working directory is shown by its absolute path.
  tests::TempDir elsewhere;
  const tests::CliResult absolute = in_dir(elsewhere.path(), "--diff --select PA101 " + tests::shell_quote(absolute_path));
  INFO(absolute.out);
  CHECK(absolute.out.find("--- " + absolute_path + "\n+++ " + absolute_path + "\n") == 0);
  CHECK(absolute.out.find("a//") == std::string::npos);
  // The hunk shows the URL line as context, masked: still a well-formed diff.
  CHECK(relative.out.find("hunter2") == std::string::npos);
  CHECK(relative.out.find("'postgresql://app:***@db/app',") != std::string::npos);
  CHECK(well_formed(relative.out));
  CHECK(well_formed(absolute.out));
  CHECK(tests::slurp(dir.path() / "app.py") == text);
}
