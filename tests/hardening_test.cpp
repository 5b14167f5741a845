// Hostile input at the library level: null syntax nodes, control characters and
// non-UTF-8 bytes in printed text, and output files written where someone else
// may plant links.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "app/analyze.h"
#include "app/output_file.h"
#include "core/printable.h"
#include "tests/cli_run.h"
#include "tests/temp_dir.h"
#include "ts/tree.h"

namespace fs = std::filesystem;

TEST_CASE("ts: every accessor of a null node answers without touching the tree") {
  const ts::Node null;
  CHECK_FALSE(null);
  CHECK(null.symbol() == 0);
  CHECK(std::string(null.type()).empty());
  CHECK_FALSE(null.is_named());
  CHECK_FALSE(null.is_error());
  CHECK_FALSE(null.is_missing());
  CHECK_FALSE(null.has_error());
  CHECK(null.start_byte() == 0);
  CHECK(null.end_byte() == 0);
  CHECK(null.start_point().row == 0);
  CHECK(null.end_point().column == 0);
  CHECK(null.child_count() == 0);
  CHECK(null.named_child_count() == 0);
  CHECK_FALSE(null.child(0));
  CHECK_FALSE(null.named_child(3));
  CHECK_FALSE(null.field(1));
  CHECK(null.field_name_for_child(0) == nullptr);
  CHECK_FALSE(null.parent());
  CHECK_FALSE(null.next_named_sibling());
  CHECK_FALSE(null.descendant_for_byte_range(0, 1));
  CHECK(null.text("abc").empty());
  CHECK(null == ts::Node());
  ts::Cursor cursor(null);
  CHECK_FALSE(cursor.node());
  CHECK_FALSE(cursor.goto_first_child());
  CHECK_FALSE(cursor.goto_next_sibling());
  CHECK_FALSE(cursor.goto_parent());
  CHECK_FALSE(cursor.goto_first_child_for_byte(0));
  int visited = 0;
  ts::walk_preorder(null, [&](ts::Node) { return ++visited > 0; });
  CHECK(visited == 0);
}

TEST_CASE(
    "robustness: a call of a call as a class base (null node from error "
    "recovery) does not crash") {
  // Tree-sitter's recovery leaves the inner call without a `function` field;
  // this SIGSEGVed.
  const std::string text =
      "from sqlalchemy.orm import sessionmaker\n"
      "class g(sessionmaker()():\n";
  const std::vector<core::Finding> found = app::analyze_source(text, "crash.py");
  CHECK(std::any_of(found.begin(), found.end(),
                    [](const core::Finding& f) { return f.code == "PA001"; }));
  // Variants around the same recovery: none may crash.
  for (const char* variant :
       {"class g(sessionmaker()()):\n", "class g(sessionmaker()()\n", "x = sessionmaker()()(\n",
        "with sessionmaker()()(:\n", "def f(s=sessionmaker()()(:\n"}) {
    INFO(variant);
    app::analyze_source(std::string("from sqlalchemy.orm import sessionmaker\n") + variant, "v.py");
  }
}

TEST_CASE(
    "printable: control characters, C1, bidi controls and stray bytes "
    "are made visible") {
  CHECK(core::printable("plain text, ünïcödé and \\ stay") == "plain text, ünïcödé and \\ stay");
  CHECK(core::printable("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(core::printable("\x1b[31mred\x07") == "\\x1B[31mred\\x07");
  CHECK(core::printable(std::string("nul\0del\x7f", 8)) == "nul\\x00del\\x7F");
  CHECK(core::printable("csi\xc2\x9b"
                        "2J") == "csi\\u{009B}2J");
  CHECK(core::printable("rtl\xe2\x80\xae"
                        "gnp.exe") == "rtl\\u{202E}gnp.exe");
  CHECK(core::printable("line\xe2\x80\xa8sep") == "line\\u{2028}sep");
  CHECK(core::printable("caf\xe9") == "caf\\xE9");
  // No output of printable() holds a byte below 0x20 or DEL.
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (const char c : core::printable(all)) {
    CHECK(static_cast<unsigned char>(c) >= 0x20);
    CHECK(c != 0x7f);
  }
}

TEST_CASE(
    "lossy_utf8: valid text unchanged, each stray byte as \\xNN, "
    "distinct inputs stay distinct") {
  CHECK(core::lossy_utf8("app/db.py") == "app/db.py");
  CHECK(core::lossy_utf8("app/caf\xc3\xa9.py") == "app/caf\xc3\xa9.py");
  CHECK(core::lossy_utf8("app/caf\xe9.py") == "app/caf\\xE9.py");
  CHECK(core::lossy_utf8("\xff\xfe") == "\\xFF\\xFE");
  CHECK(core::lossy_utf8("\xed\xa0\x80") == "\\xED\\xA0\\x80");  // a UTF-16 surrogate is not UTF-8
  CHECK(core::lossy_utf8("a\xe9") != core::lossy_utf8("a\xe8"));
  CHECK(core::valid_utf8(core::lossy_utf8("\xc0\xaf\xf5\x80")));
  CHECK_FALSE(core::valid_utf8("\xc0\xaf"));  // overlong '/'
}

TEST_CASE(
    "output file: a link planted at the temporary's name is never "
    "written through") {
  tests::TempDir dir;
  const fs::path victim = dir.write("victim.txt", "precious\n");
  const fs::path planted = dir.path() / ".report.poolaudit-planted";
  fs::create_symlink(victim, planted);
  errno = 0;
  CHECK(app::create_exclusive(planted.string()) == -1);
  CHECK(errno == EEXIST);
  const fs::path dangling = dir.path() / ".dangling";
  fs::create_symlink(dir.path() / "would-be-created", dangling);
  CHECK(app::create_exclusive(dangling.string()) == -1);
  CHECK_FALSE(fs::exists(dir.path() / "would-be-created"));
  CHECK(tests::slurp(victim) == "precious\n");
  const int fd = app::create_exclusive((dir.path() / "fresh").string());
  CHECK(fd >= 0);
  if (fd >= 0) close(fd);
}

TEST_CASE(
    "output file: temp + rename, unpredictable names, links followed to "
    "their target") {
  tests::TempDir dir;
  std::string error;
  const fs::path report = dir.path() / "report.txt";
  REQUIRE(app::write_file_atomically(report.string(), "one\n", error));
  CHECK(tests::slurp(report) == "one\n");
  fs::permissions(report, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  REQUIRE(app::write_file_atomically(report.string(), "two\n", error));
  CHECK(tests::slurp(report) == "two\n");
  // The replaced file keeps its permission bits; no temporary stays behind.
  CHECK((fs::status(report).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);

  // A symlink: the target (in another directory) is replaced, the link stays a
  // link.
  tests::TempDir elsewhere;
  const fs::path target = elsewhere.write("real.txt", "old\n");
  const fs::path link = dir.path() / "link.txt";
  fs::create_symlink(target, link);
  REQUIRE(app::write_file_atomically(link.string(), "new\n", error));
  CHECK(fs::is_symlink(fs::symlink_status(link)));
  CHECK(tests::slurp(target) == "new\n");
  // A link to a link to a file that does not exist yet: created where the chain
  // ends.
  const fs::path chain = dir.path() / "chain.txt";
  fs::create_symlink(link.filename(), dir.path() / "chain-mid.txt");
  fs::create_symlink("chain-mid.txt", chain);
  REQUIRE(app::write_file_atomically(chain.string(), "chained\n", error));
  CHECK(tests::slurp(target) == "chained\n");
  const fs::path dangling = dir.path() / "dangling.txt";
  fs::create_symlink(elsewhere.path() / "created.txt", dangling);
  REQUIRE(app::write_file_atomically(dangling.string(), "created\n", error));
  CHECK(tests::slurp(elsewhere.path() / "created.txt") == "created\n");
  // A loop and a directory are errors; nothing is left behind.
  fs::create_symlink("loop-b", dir.path() / "loop-a");
  fs::create_symlink("loop-a", dir.path() / "loop-b");
  CHECK_FALSE(app::write_file_atomically((dir.path() / "loop-a").string(), "x", error));
  CHECK(error.find("symbolic links") != std::string::npos);
  CHECK_FALSE(app::write_file_atomically(dir.path().string(), "x", error));
  CHECK(error.find("directory") != std::string::npos);
  for (const auto& e : fs::directory_iterator(dir.path())) {
    INFO(e.path().string());
    CHECK(e.path().filename().string().find(".poolaudit-") == std::string::npos);
  }
}

TEST_CASE(
    "robustness: UTF-16 and UTF-32 files are named as such, with a fix "
    "that fits") {
  const std::string ascii = "import sqlalchemy\nengine = sqlalchemy.create_engine(URL)\n";
  auto widen = [&](size_t width, bool big_endian, bool bom) {
    std::string out;
    if (bom) {
      const std::string le =
          width == 2 ? std::string("\xFF\xFE", 2) : std::string("\xFF\xFE\0\0", 4);
      out = big_endian ? std::string(le.rbegin(), le.rend()) : le;
    }
    for (const char c : ascii) {
      std::string unit(width, '\0');
      unit[big_endian ? width - 1 : 0] = c;
      out += unit;
    }
    return out;
  };
  for (const size_t width : {size_t{2}, size_t{4}}) {
    for (const bool big : {false, true}) {
      for (const bool bom : {false, true}) {
        const std::vector<core::Finding> found =
            app::analyze_source(widen(width, big, bom), "wide.py");
        REQUIRE(found.size() == 1);
        INFO(found[0].message);
        CHECK(found[0].code == "PA002");
        CHECK(found[0].message.find(width == 2 ? "UTF-16" : "UTF-32") != std::string::npos);
        CHECK(found[0].message.find(big ? "big-endian" : "little-endian") != std::string::npos);
        CHECK(found[0].message.find("binary") == std::string::npos);
        CHECK(found[0].fix.find("UTF-8") != std::string::npos);
      }
    }
  }
  const std::vector<core::Finding> binary =
      app::analyze_source(std::string("\x7f"
                                      "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                                      16),
                          "a.py");
  REQUIRE(binary.size() == 1);
  CHECK(binary[0].message.find("binary") != std::string::npos);
  CHECK(binary[0].fix.find("encoding") == std::string::npos);
}
