#include "core/source_file.h"

#include <algorithm>

namespace core {
namespace {

bool is_lead_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

}  // namespace

SourceFile::SourceFile(std::string path, std::string text)
    : path_(path), text_(std::move(text)) {
  line_starts_.push_back(0);
  const size_t n = text_.size();
  bool ascii = true;
  for (size_t i = 0; i < n; ++i) {
    const char c = text_[i];
    if (c == '\n') {
      line_starts_.push_back(static_cast<uint32_t>(i + 1));
    } else if (c == '\r') {
      if (i + 1 < n && text_[i + 1] == '\n') ++i;
      line_starts_.push_back(static_cast<uint32_t>(i + 1));
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
    }
  }
  if (ascii) return;
  block_code_points_.reserve(n / kBlockBytes + 1);
  uint32_t count = 0;
  for (size_t i = 0; i <= n; ++i) {  // <= n: the end of the text has an entry too
    if (i % kBlockBytes == 0) block_code_points_.push_back(count);
    if (i < n && is_lead_byte(text_[i])) ++count;
  }
}

uint32_t SourceFile::line_index(uint32_t byte_offset) const {
  byte_offset = std::min<uint32_t>(byte_offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), byte_offset);
  return static_cast<uint32_t>(it - line_starts_.begin() - 1);
}

uint32_t SourceFile::code_points_before(uint32_t byte_offset) const {
  if (block_code_points_.empty()) return byte_offset;
  const uint32_t block = byte_offset / kBlockBytes;
  uint32_t count = block_code_points_[block];
  for (uint32_t i = block * kBlockBytes; i < byte_offset; ++i)
    if (is_lead_byte(text_[i])) ++count;
  return count;
}

Position SourceFile::position(uint32_t byte_offset) const {
  byte_offset = std::min<uint32_t>(byte_offset, static_cast<uint32_t>(text_.size()));
  const uint32_t line = line_index(byte_offset);
  const uint32_t column =
      code_points_before(byte_offset) - code_points_before(line_starts_[line]) + 1;
  return {line + 1, column};
}

uint32_t SourceFile::line_start(uint32_t byte_offset) const {
  return line_starts_[line_index(byte_offset)];
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const uint32_t begin = line_starts_[line - 1];
  uint32_t end =
      line < line_starts_.size() ? line_starts_[line] : static_cast<uint32_t>(text_.size());
  while (end > begin && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return std::string_view(text_).substr(begin, end - begin);
}

}  // namespace core
