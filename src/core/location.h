#pragma once
#include <cstdint>
#include <string>

#include "core/interned_path.h"

namespace core {

/// A 1-based line and column; the column counts Unicode code points (a tab is one column).
struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const Position&, const Position&) = default;
  friend auto operator<=>(const Position&, const Position&) = default;
};

/// A half-open source range [begin, end) in 1-based positions.
struct SourceRange {
  Position begin;
  Position end;
  friend bool operator==(const SourceRange&, const SourceRange&) = default;
  friend auto operator<=>(const SourceRange&, const SourceRange&) = default;
  bool valid() const { return begin.line > 0; }
};

/// A range inside a named file (display path: relative, '/' separators; one interned copy per
/// file, shared by every location in it).
struct Location {
  InternedPath path;
  SourceRange range;
  bool valid() const { return range.valid(); }
  friend bool operator==(const Location&, const Location&) = default;
};

}  // namespace core
