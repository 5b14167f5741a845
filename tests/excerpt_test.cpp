// report::render_excerpt: the source line under a text finding, ruff's "full" style.
#include <doctest/doctest.h>

#include <string>

#include "report/excerpt.h"

namespace {

std::string excerpt(std::string_view line, uint32_t number, uint32_t begin, uint32_t end) {
  return report::render_excerpt(line, number, begin, end, {});
}

}  // namespace

TEST_CASE("excerpt: gutter, line and carets under the span") {
  CHECK(excerpt("engine = create_engine(URL)", 12, 10, 23) ==
        "   |\n"
        "12 | engine = create_engine(URL)\n"
        "   |          ^^^^^^^^^^^^^\n"
        "   |\n");
  // An empty span or one running past the line: one caret / to the end of the text.
  CHECK(excerpt("x = 1", 1, 5, 5) == "  |\n1 | x = 1\n  |     ^\n  |\n");
  CHECK(excerpt("x = f(   ", 1, 5, 0) == "  |\n1 | x = f(   \n  |     ^^\n  |\n");
}

TEST_CASE("excerpt: tabs, control characters and code points keep the carets aligned") {
  // A tab is spaces to the next multiple of 4; an escape character is shown as \x1B.
  CHECK(excerpt("\tx = 1", 1, 2, 3) == "  |\n1 |     x = 1\n  |     ^\n  |\n");
  CHECK(excerpt("a\x1b[2Jb = 1", 1, 6, 7) == "  |\n1 | a\\x1B[2Jb = 1\n  |         ^\n  |\n");
  // Columns count code points: é is one column.
  CHECK(excerpt("é = f()", 1, 5, 8) == "  |\n1 | é = f()\n  |     ^^^\n  |\n");
}

TEST_CASE("excerpt: a password before the span is masked and the carets follow the masked text") {
  const std::string line = "u = 'postgresql://app:longpassword@db/app'; e = create_engine(u)";
  const uint32_t column = static_cast<uint32_t>(line.find("create_engine") + 1);
  const std::string out = excerpt(line, 7, column, column + 13);
  INFO(out);
  CHECK(out.find("longpassword") == std::string::npos);
  const std::string shown = "7 | u = 'postgresql://app:***@db/app'; e = create_engine(u)\n";
  REQUIRE(out.find(shown) != std::string::npos);
  const size_t carets = out.find('^');
  const size_t line_start = out.find(shown);
  const size_t caret_line_start = out.rfind('\n', carets) + 1;
  CHECK(carets - caret_line_start == shown.find("create_engine"));
  CHECK(out.substr(carets, 14) == "^^^^^^^^^^^^^\n");
  CHECK(line_start > 0);
}

TEST_CASE("excerpt: a very long line is cut around the span") {
  const std::string line = std::string(500, 'a') + "create_engine(x)" + std::string(500, 'b');
  const std::string out = excerpt(line, 1, 501, 514);
  CHECK(out.size() < 400);
  CHECK(out.find("…" + std::string(80, 'a') + "create_engine") != std::string::npos);
  CHECK(out.find(std::string(80, ' ') + " ^^^^^^^^^^^^^\n") != std::string::npos);
}
