#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/location.h"

namespace core {

/// The text of one file with a line table: maps byte offsets to 1-based positions.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);
  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  /// 1-based position of a byte offset; the column counts code points.
  Position position(uint32_t byte_offset) const;
  SourceRange range(uint32_t begin_byte, uint32_t end_byte) const {
    return {position(begin_byte), position(end_byte)};
  }
  Location location(uint32_t begin_byte, uint32_t end_byte) const {
    return {path_, range(begin_byte, end_byte)};
  }
  /// The text of a 1-based line without its line ending ("" when out of range).
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;  // byte offset of each line; \n, \r\n and lone \r end lines
};

}  // namespace core
