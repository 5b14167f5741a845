// Bad input never stops a run: broken, binary, huge, unreadable, deeply nested or oddly encoded
// files become PA0xx diagnostics (or are simply audited), and the rest of the tree is audited.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "app/analyze.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;

namespace {

/// A PA101 error: NullPool takes no pool_size. The engine call starts at column 10.
constexpr const char* kImports =
    "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n";
constexpr const char* kEngine =
    "engine = create_engine('sqlite:///x.db', poolclass=NullPool, pool_size=5)";

core::Report audit(const fs::path& root, uint64_t max_file_size = 10u << 20) {
  std::string error;
  auto rules = app::select_rules({"ALL"}, {}, error);
  REQUIRE(rules);
  app::Options options;
  options.paths = {root.string()};
  options.max_file_size = max_file_size;
  options.jobs = 2;
  auto report = app::analyze(options, *rules, error);
  REQUIRE_MESSAGE(report, error);
  return *report;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Findings (or diagnostics) of `code` in the file whose path ends with `file`.
std::vector<core::Finding> of(const std::vector<core::Finding>& all, const std::string& code,
                              const std::string& file) {
  std::vector<core::Finding> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const core::Finding& f) {
    return f.code == code && ends_with(f.where.path, file);
  });
  return out;
}

/// One PA002 for `file`, and the good file beside it still audited.
void check_skipped_and_rest_audited(const core::Report& r, const std::string& file) {
  INFO(file);
  const auto skipped = of(r.diagnostics, "PA002", file);
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].message.find("skipped") != std::string::npos);
  CHECK(of(r.findings, "PA101", "good.py").size() == 1);
  CHECK(r.summary.skipped >= 1);
}

std::string nested(const std::string& open, const std::string& middle, const std::string& close,
                   size_t depth) {
  std::string s;
  s.reserve(depth * (open.size() + close.size()) + middle.size());
  for (size_t i = 0; i < depth; ++i) s += open;
  s += middle;
  for (size_t i = 0; i < depth; ++i) s += close;
  return s;
}

}  // namespace

TEST_CASE("robustness: a syntax error gives PA001 and the rest of the file is still audited") {
  const std::string text =
      std::string(kImports) + "x = = 1\ndef broken(:\n    pass\n\n" + kEngine + "\n";
  const auto found = app::analyze_source(text, "broken.py");
  CHECK(of(found, "PA001", "broken.py").size() == 1);
  const auto pa101 = of(found, "PA101", "broken.py");
  REQUIRE(pa101.size() == 1);
  CHECK(pa101[0].where.range.begin.line == 7);

  tests::TempDir dir;
  dir.write("broken.py", text);
  const core::Report r = audit(dir.path());
  REQUIRE(of(r.diagnostics, "PA001", "broken.py").size() == 1);
  CHECK(of(r.diagnostics, "PA001", "broken.py")[0].where.range.begin.line == 3);
  CHECK(of(r.findings, "PA101", "broken.py").size() == 1);
  CHECK(r.summary.files == 1);  // audited, not skipped
}

TEST_CASE("robustness: binary, invalid UTF-8 and oversized files give PA002; the rest is audited") {
  tests::TempDir dir;
  dir.write("good.py", std::string(kImports) + kEngine + "\n");
  dir.write("binary.py", std::string("import os\0\0\x01\x02", 14));
  dir.write("latin1.py", "name = 'caf\xe9'\n");
  dir.write("overlong.py", "x = '\xc0\xaf'\n");       // an overlong '/' is not UTF-8
  dir.write("surrogate.py", "x = '\xed\xa0\x80'\n");  // nor is an encoded surrogate
  dir.write("big/huge.py", std::string(kImports) + kEngine + "\n" + std::string(4096, '#') + "\n");
  const core::Report r = audit(dir.path(), 1024);
  for (const char* file : {"binary.py", "latin1.py", "overlong.py", "surrogate.py", "huge.py"}) {
    check_skipped_and_rest_audited(r, file);
  }
  // The exact size and limit, not rounded: a 10.5 MiB file is not "10 MiB" against a 10 MiB limit.
  CHECK(of(r.diagnostics, "PA002", "huge.py")[0].message.find("limit of 1024 bytes (1 KiB)") !=
        std::string::npos);
  CHECK(of(r.findings, "PA101", "huge.py").empty());
  CHECK(r.summary.files == 1);
  CHECK(r.summary.skipped == 5);
  // The in-memory entry point says the same.
  CHECK(of(app::analyze_source(std::string("a\0b", 3)), "PA002", "input.py").size() == 1);
  CHECK(of(app::analyze_source("s = '\xff'\n"), "PA002", "input.py").size() == 1);
}

TEST_CASE("robustness: an unreadable file or directory gives PA002; the rest is audited") {
  tests::TempDir dir;
  dir.write("good.py", std::string(kImports) + kEngine + "\n");
  const fs::path secret = dir.write("secret.py", std::string(kImports) + kEngine + "\n");
  dir.write("locked/inner.py", std::string(kImports) + kEngine + "\n");
  fs::permissions(secret, fs::perms::none);
  fs::permissions(dir.path() / "locked", fs::perms::none);
  if (std::ifstream(secret).is_open()) {
    MESSAGE("running as a user that reads chmod 000 files (root): unreadable-file check skipped");
    return;
  }
  const core::Report r = audit(dir.path());
  check_skipped_and_rest_audited(r, "secret.py");
  REQUIRE(of(r.diagnostics, "PA002", "locked").size() == 1);
  CHECK(of(r.diagnostics, "PA002", "locked")[0].message.find("cannot read directory") !=
        std::string::npos);
}

TEST_CASE("robustness: 100k-deep nesting does not crash") {
  constexpr size_t kDepth = 100000;
  const std::string cases[] = {
      "x = " + nested("(", "1", ")", kDepth), "x = " + nested("f(", "1", ")", kDepth),
      "x = " + nested("[", "1", "]", kDepth), "x = " + nested("{1: ", "1", "}", kDepth),
      "x = " + nested("not ", "y", "", kDepth), "x = " + nested("a.", "b", "", kDepth),
      "x = " + nested("1 + ", "1", "", kDepth), "x = " + nested("1 if y else ", "2", "", kDepth),
      "x = " + nested("lambda: ", "1", "", kDepth),
      // Deep values inside an engine call are resolved too.
      std::string(kImports) + "e = create_engine('sqlite://', poolclass=NullPool, pool_size=" +
          nested("(", "5", ")", kDepth) + ", echo=" + nested("[", "1", "]", kDepth) + ")",
      "x = " + nested("(", "1", "", kDepth),  // and unbalanced: a syntax error at the end
  };
  tests::TempDir dir;
  std::vector<std::vector<core::Finding>> found;
  for (size_t i = 0; i < std::size(cases); ++i) {
    INFO("case " << i);
    found.push_back(app::analyze_source(cases[i] + "\n"));
    CHECK(of(found.back(), "PA002", "input.py").empty());
  }
  // Through the project walk and the worker threads too (the required shapes only: under ASan
  // each 100k-deep file costs seconds).
  for (const size_t i : {0u, 1u, 2u, 9u})
    dir.write("deep" + std::to_string(i) + ".py", cases[i] + "\n");
  CHECK(of(found[9], "PA101", "input.py").size() == 1);
  CHECK(of(found[10], "PA001", "input.py").size() == 1);
  const core::Report r = audit(dir.path());
  CHECK(r.summary.files == 4);
  CHECK(of(r.findings, "PA101", "deep9.py").size() == 1);
}

TEST_CASE("robustness: BOM, CRLF and lone CR line endings; a tab is one column") {
  const std::string lines[] = {"from sqlalchemy import create_engine",
                               "from sqlalchemy.pool import NullPool", "", kEngine};
  for (const std::string eol : {"\n", "\r\n", "\r"}) {
    for (const bool bom : {false, true}) {
      std::string text = bom ? "\xEF\xBB\xBF" : "";
      for (const std::string& line : lines) text += line + eol;
      INFO("eol " << (eol == "\n"     ? "LF"
                      : eol == "\r\n" ? "CRLF"
                                      : "CR")
                  << (bom ? " with BOM" : ""));
      const auto found = app::analyze_source(text);
      CHECK(of(found, "PA001", "input.py").empty());
      const auto pa101 = of(found, "PA101", "input.py");
      REQUIRE(pa101.size() == 1);
      CHECK(pa101[0].where.range.begin == core::Position{4, 10});
      REQUIRE(pa101[0].notes.size() >= 1);
      CHECK(pa101[0].notes[0].where.range.begin == core::Position{4, 62});  // pool_size=5
    }
  }
  // A tab is one column, and so is a multi-byte character.
  const std::string tabbed =
      std::string(kImports) + "if True:\n\t" + kEngine + "\nx = 'é€'; " + kEngine + "\n";
  const auto found = app::analyze_source(tabbed);
  const auto pa101 = of(found, "PA101", "input.py");
  REQUIRE(pa101.size() == 2);
  CHECK(pa101[0].where.range.begin == core::Position{4, 11});
  CHECK(pa101[1].where.range.begin == core::Position{5, 20});
}

TEST_CASE("robustness: symlink loops and FIFOs in the tree; an empty project") {
  tests::TempDir dir;
  dir.write("pkg/good.py", std::string(kImports) + kEngine + "\n");
  fs::create_directory_symlink("..", dir.path() / "pkg/loop");
  fs::create_directory_symlink(dir.path(), dir.path() / "pkg/root");
  fs::create_symlink("missing.py", dir.path() / "dangling.py");
  REQUIRE(mkfifo((dir.path() / "pipe.py").c_str(), 0600) == 0);
  const core::Report r = audit(dir.path());
  CHECK(r.findings.size() == 1);  // good.py, once: links to directories are not followed
  CHECK(of(r.findings, "PA101", "pkg/good.py").size() == 1);
  CHECK(r.summary.files == 1);
  // A FIFO named on the command line is reported, not opened (which would block).
  const core::Report fifo = audit(dir.path() / "pipe.py");
  CHECK(of(fifo.diagnostics, "PA002", "pipe.py").size() == 1);

  tests::TempDir empty;
  const core::Report nothing = audit(empty.path());
  CHECK(nothing.findings.empty());
  CHECK(nothing.diagnostics.empty());
  CHECK(nothing.summary.files == 0);
  CHECK(nothing.inventory.engines.empty());
  empty.write("empty.py", "");
  empty.write("blank.py", "\n\n   \n");
  const core::Report blank = audit(empty.path());
  CHECK(blank.findings.empty());
  CHECK(blank.diagnostics.empty());
  CHECK(blank.summary.files == 2);
  CHECK(app::analyze_source("").empty());
}

TEST_CASE("robustness: very long lines, a 50 MB file and thousands of tiny files") {
  tests::TempDir dir;
  // A 1 MB line before the engine: positions stay right after it.
  dir.write("long.py", std::string(kImports) + "x = '" + std::string(1u << 20, 'a') + "'\n" + kEngine + "\n");
  // 50 MB of generated data (a table and comments, nothing about databases): over the default
  // 10 MiB limit it is reported and skipped; under a larger one it is read and scanned (parsing
  // it would take seconds: the pre-filter sees it holds nothing to audit).
  std::string big = "import os\n";
  big.reserve(52u << 20);
  for (size_t i = 0; big.size() < (50u << 20); ++i) {
    big += "# generated row " + std::to_string(i) + std::string(100, '-') + "\n";
    if (i % 20 == 0) big += "ROW_" + std::to_string(i) + " = (" + std::to_string(i) + ", 'r', None)\n";
  }
  dir.write("big.py", big);
  big.clear();
  big.shrink_to_fit();
  for (int i = 0; i < 3000; ++i) dir.write("tiny/m" + std::to_string(i) + ".py", "x = " + std::to_string(i) + "\n");
  const core::Report r = audit(dir.path(), 64u << 20);
  REQUIRE(of(r.findings, "PA101", "long.py").size() == 1);
  CHECK(of(r.findings, "PA101", "long.py")[0].where.range.begin == core::Position{4, 10});
  CHECK(r.findings.size() == 1);
  CHECK(r.diagnostics.empty());
  CHECK(r.summary.files == 3002);
  const core::Report limited = audit(dir.path());
  CHECK(of(limited.diagnostics, "PA002", "big.py").size() == 1);
  CHECK(limited.summary.files == 3001);
}

TEST_CASE("robustness: files that vanish during the scan; devices in the tree") {
  tests::TempDir dir;
  dir.write("good.py", std::string(kImports) + kEngine + "\n");
  for (int i = 0; i < 2000; ++i) dir.write("gone/m" + std::to_string(i) + ".py", std::string(kImports) + kEngine + "\n");
  // Links to devices are not regular files: skipped, never read (/dev/zero would never end).
  fs::create_symlink("/dev/zero", dir.path() / "zero.py");
  fs::create_symlink("/dev/null", dir.path() / "null.py");
  std::thread remover([&] {
    for (int i = 0; i < 2000; ++i) {
      std::error_code ec;
      fs::remove(dir.path() / "gone" / ("m" + std::to_string(i) + ".py"), ec);
    }
  });
  const core::Report r = audit(dir.path());
  remover.join();
  CHECK(of(r.findings, "PA101", "good.py").size() == 1);
  // Every file is audited or reported as unreadable, whichever the race gave.
  CHECK(r.summary.files + r.summary.skipped <= 2001);
  CHECK(r.summary.files >= 1);
  for (const core::Finding& d : r.diagnostics) {
    CHECK(d.code == "PA002");
    CHECK(d.message.find("cannot read") != std::string::npos);
  }
  for (const char* name : {"zero.py", "null.py"}) CHECK(of(r.diagnostics, "PA002", name).empty());
}
