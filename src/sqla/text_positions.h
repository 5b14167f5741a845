#pragma once
// Byte offsets around statements, for the edit anchors (edit_anchors.cpp, fix_plans.cpp).
#include <cstdint>
#include <string_view>

#include "core/source_file.h"

namespace py { class Module; }
namespace ts { class Node; }

namespace sqla {

struct FileFacts;

/// The byte offset of a position (the inverse of SourceFile::position).
inline uint32_t byte_of(const core::SourceFile& source, core::Position p) {
  const std::string_view line = source.line_text(p.line);
  const std::string_view text = source.text();
  uint32_t at = static_cast<uint32_t>(line.data() - text.data());
  // A byte per code point before it (ASCII): checked in O(log n), so a long line of calls stays
  // linear; else counted.
  if (p.column > 0 && at + p.column - 1 <= text.size() && source.position(at + p.column - 1) == p) {
    return at + p.column - 1;
  }
  for (uint32_t cp = 1; cp < p.column && at < text.size(); ++cp) {
    ++at;
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  }
  return at;
}

/// The start of the line after the one holding `at` when only blanks or a comment follow `at`
/// there; 0 otherwise. `eof` is set when the text ends on that line without a line ending.
inline uint32_t next_line_after(std::string_view text, uint32_t at, bool* eof = nullptr) {
  size_t i = at;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i < text.size() && text[i] == '#') {
    i = text.find('\n', i);
    if (i == std::string_view::npos) i = text.size();
  }
  if (i >= text.size()) {
    if (eof) *eof = true;
    return static_cast<uint32_t>(text.size());
  }
  if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
  return text[i] == '\n' ? static_cast<uint32_t>(i + 1) : 0;
}

/// PA202's `try/finally` around a yielded session's yield (EditAnchors::yield_wraps).
void plan_yield_wraps(const py::Module& module, ts::Node root, FileFacts& facts);
/// PA403's lifespan for the module's on_event handlers (EditAnchors::lifespan).
void plan_lifespan(const py::Module& module, ts::Node root, FileFacts& facts);

}  // namespace sqla
