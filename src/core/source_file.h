#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/fix.h"
#include "core/location.h"

namespace core {

/// The text of one file with a line table: maps byte offsets to 1-based positions.
///
/// Both tables are built once, in the constructor, so a position costs O(log lines) plus a bounded
/// scan, whatever the length of the line: a file with thousands of calls on one line stays linear.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);
  const std::string& path() const { return path_.str(); }
  std::string_view text() const { return text_; }
  /// 1-based position of a byte offset; the column counts code points.
  Position position(uint32_t byte_offset) const;
  SourceRange range(uint32_t begin_byte, uint32_t end_byte) const {
    return {position(begin_byte), position(end_byte)};
  }
  Location location(uint32_t begin_byte, uint32_t end_byte) const {
    return {path_, range(begin_byte, end_byte)};
  }
  /// A byte range with its line/column range (a fix's edit span).
  TextSpan span(uint32_t begin_byte, uint32_t end_byte) const {
    return {begin_byte, end_byte, range(begin_byte, end_byte)};
  }
  /// The byte offset where the line holding `byte_offset` starts.
  uint32_t line_start(uint32_t byte_offset) const;
  /// The text of a 1-based line without its line ending ("" when out of range).
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

  /// Bytes per block of the code-point index: the most a position scans.
  static constexpr uint32_t kBlockBytes = 64;

 private:
  /// 0-based index of the line holding `byte_offset` (clamped to the text).
  uint32_t line_index(uint32_t byte_offset) const;
  /// Code points in text_[0, byte_offset).
  uint32_t code_points_before(uint32_t byte_offset) const;

  InternedPath path_;  // interned once: every location() shares it
  std::string text_;
  std::vector<uint32_t> line_starts_;  // byte offset of each line; \n, \r\n and lone \r end lines
  // Code points before each kBlockBytes-aligned offset; empty when the text is ASCII (a code point
  // per byte), so most files pay nothing for it.
  std::vector<uint32_t> block_code_points_;
};

}  // namespace core
