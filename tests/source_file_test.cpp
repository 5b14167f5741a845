// core::SourceFile maps byte offsets to 1-based line/column (code points) from tables built once.
#include "core/source_file.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace {

/// The definition, spelled out: scan from the line start and count code points.
core::Position naive_position(const std::string& text, uint32_t offset) {
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
      line_start = i + 1;
    }
  }
  uint32_t column = 1;
  for (size_t i = line_start; i < offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return {line, column};
}

}  // namespace

TEST_CASE("source file: positions count lines and code points") {
  const core::SourceFile ascii("a.py", "ab\ncd\r\nef\rg");
  CHECK(ascii.position(0) == core::Position{1, 1});
  CHECK(ascii.position(2) == core::Position{1, 3});
  CHECK(ascii.position(3) == core::Position{2, 1});
  CHECK(ascii.position(7) == core::Position{3, 1});
  CHECK(ascii.position(10) == core::Position{4, 1});
  CHECK(ascii.position(99) == core::Position{4, 2});  // clamped to the end
  CHECK(ascii.line_start(8) == 7);
  CHECK(ascii.line_text(2) == "cd");
  // "é" is two bytes, "€" three, "𝄞" four: one column each.
  const std::string text = "x = 'é€𝄞' + y\n";
  const core::SourceFile utf8("u.py", text);
  CHECK(utf8.position(static_cast<uint32_t>(text.find('+'))) == core::Position{1, 11});
  CHECK(utf8.position(static_cast<uint32_t>(text.size())) == core::Position{2, 1});
}

TEST_CASE("source file: the code-point index agrees with a scan from the line start") {
  // Long lines of mixed ASCII and multi-byte characters cross many index blocks; every offset,
  // including the end of the text and block boundaries, must give the definition's answer.
  const char* pieces[] = {"a", "bc", "\n", "é", "€", "𝄞", " ", "\r\n", "\r"};
  std::mt19937 random(7);
  for (uint32_t round = 0; round < 20; ++round) {
    std::string text;
    const size_t length = random() % (4 * core::SourceFile::kBlockBytes * (round % 5 + 1));
    while (text.size() < length) text += pieces[random() % (round % 2 == 0 ? 3u : 9u)];
    const core::SourceFile source("r.py", text);
    for (uint32_t offset = 0; offset <= text.size(); ++offset) {
      // Offsets inside a character or a \r\n pair are not positions the tool asks for.
      if (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80)
        continue;
      if (offset > 0 && offset < text.size() && text[offset - 1] == '\r' && text[offset] == '\n')
        continue;
      INFO("round " << round << " offset " << offset);
      CHECK(source.position(offset) == naive_position(text, offset));
    }
  }
}
