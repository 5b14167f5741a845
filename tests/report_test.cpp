// Reporters: golden files for the three formats over tests/golden/project, plus the escaping
// rules of the Markdown report on hand-made reports.
// POOLAUDIT_UPDATE_GOLDEN=1 ./poolaudit_tests -tc="golden*" rewrites the golden files.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/run.h"
#include "report/reporter.h"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The first differing line, so a failure shows what changed rather than two whole reports.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want);
  std::istringstream b(got);
  std::string la;
  std::string lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) return "identical lines (line endings differ?)";
    if (!more_a || !more_b || la != lb) {
      return "line " + std::to_string(line) + "\n  golden: " + (more_a ? la : "<end>") +
             "\n  actual: " + (more_b ? lb : "<end>");
    }
  }
}

core::Report tricky_report() {
  core::Report r;
  r.version = "9.9.9";
  r.root = "we|ird`dir";
  core::Finding f;
  f.code = "PA101";
  f.name = "nullpool-pool-sizing";
  f.severity = core::Severity::kInfo;
  f.where = {"a|b.py", {{3, 7}, {3, 9}}};
  f.message = "passed through **OPTS with `a|b` and a lone ` backtick <x>";
  f.fix = "use pool_size only with QueuePool";
  f.notes.push_back({{"a|b.py", {{2, 1}, {2, 2}}}, "chosen here"});
  r.findings.push_back(f);
  f.where.range.begin.line = 4;
  r.findings.push_back(f);
  core::InventoryEngine e;
  e.where = {"a|b.py", {{3, 1}, {3, 1}}};
  e.factory = "create_engine";
  e.url = "postgresql://u:***@h/db?x=a|b";
  core::InventoryConfig c;
  c.branch = "`X` is true";
  c.pool = "NullPool";
  c.pool_source = "poolclass=NullPool";
  c.options = {{"connect_args", "{'a': '`q`|r'}"}, {"pool_size", "5"}};
  c.complete = false;
  e.configs = {c, c};
  r.inventory.engines.push_back(e);
  r.checks.push_back(
      {"pool-options", "Options | pool", {"PA101"}, core::CheckStatus::kFail, 2, "2 findings"});
  r.summary.infos = 2;
  r.summary.files = 1;
  return r;
}

}  // namespace

TEST_CASE("golden: text, markdown and json reports of tests/golden/project") {
  std::error_code ec;
  fs::current_path(POOLAUDIT_SOURCE_DIR, ec);
  REQUIRE_FALSE(ec);
  const bool update = std::getenv("POOLAUDIT_UPDATE_GOLDEN") != nullptr;
  // In CI the Markdown report links files to the commit; the golden file has no links.
  for (const char* name : {"GITHUB_SHA", "CI_COMMIT_SHA"}) unsetenv(name);
  for (const auto& [format, ext] :
       {std::pair{"text", "txt"}, {"markdown", "md"}, {"json", "json"}}) {
    app::Options options;
    options.paths = {"tests/golden/project"};
    options.select = {"PA101"};  // other rules come and go; PA101 keeps the goldens stable
    options.format = format;
    options.color = "never";
    options.jobs = 2;
    std::ostringstream out;
    std::ostringstream err;
    const int code = app::run(options, out, err, false);
    CHECK(code == app::kExitFindings);
    CHECK(err.str().empty());
    const fs::path golden = fs::path("tests/golden") / (std::string("project.") + ext);
    INFO("golden file " << golden.string() << " (POOLAUDIT_UPDATE_GOLDEN=1 rewrites it)");
    if (update) {
      std::ofstream(golden, std::ios::binary) << out.str();
      MESSAGE("rewrote " << golden.string());
      continue;
    }
    REQUIRE(fs::exists(golden));
    const std::string want = read(golden);
    CHECK_MESSAGE(out.str() == want, first_difference(want, out.str()));
  }
}

TEST_CASE("golden: passwords of the fixture are masked in every golden file") {
  for (const char* ext : {"txt", "md", "json"}) {
    const std::string text =
        read(fs::path(POOLAUDIT_SOURCE_DIR) / "tests/golden" / (std::string("project.") + ext));
    INFO(ext);
    CHECK(text.find("s3cr3t") == std::string::npos);
    CHECK(text.find("app:***@db.internal") != std::string::npos);
  }
}

TEST_CASE("markdown: table cells escape pipes, code spans survive backticks") {
  std::ostringstream out;
  report::write_markdown(tricky_report(), out);
  const std::string md = out.str();
  INFO(md);
  CHECK(md.find("# poolaudit 9.9.9: audit of `we|ird``dir`") ==
        std::string::npos);  // not a table: no escape
  CHECK(md.find("audit of ``we|ird`dir``") != std::string::npos);
  // A location in a table: the pipe is escaped inside the code span.
  CHECK(md.find("| `a\\|b.py:3` |") != std::string::npos);
  // A value holding a backtick gets a longer fence; its pipe is escaped.
  CHECK(md.find("``connect_args={'a': '`q`\\|r'}``") != std::string::npos);
  CHECK(md.find("`postgresql://u:***@h/db?x=a\\|b`") != std::string::npos);
  // Rule prose: code spans kept, `**` and a lone backtick and `<` rendered literally.
  CHECK(md.find("passed through \\*\\*OPTS with `a|b` and a lone \\` backtick &lt;x&gt;") !=
        std::string::npos);
  CHECK(md.find("| ❌ fail | Options \\| pool | 2 findings | PA101 |") != std::string::npos);
  // The second configuration row leaves the engine cells empty; every row has 9 cells.
  std::istringstream lines(md);
  std::string line;
  size_t rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("| `a\\|b.py:3`", 0) != 0 && line.rfind("|  |", 0) != 0) continue;
    ++rows;
    size_t cells = 0;
    for (size_t i = 0; i < line.size(); ++i)
      cells += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    CHECK(cells == 10);
  }
  CHECK(rows == 2);
  CHECK(md.find("### Info (2)") != std::string::npos);
  CHECK(md.find("ℹ️ **0 errors, 0 warnings, 2 info** in 1 file") != std::string::npos);
  CHECK(md.find("`pool_size=5` …") != std::string::npos);
}

TEST_CASE("text: summary wording and quiet output") {
  core::Report r = tricky_report();
  std::ostringstream out;
  report::write_text(r, {false, false}, out);
  CHECK(out.str().find("0 errors, 0 warnings, 2 info in 1 file\n") != std::string::npos);
  r.findings.clear();
  r.summary.infos = 1;
  std::ostringstream quiet;
  report::write_text(r, {false, true}, quiet);
  CHECK(quiet.str() == "0 errors, 0 warnings, 1 info in 1 file\n");
}
