#include "py/removal.h"
#include "py/children.h"

#include <string_view>

#include "py/grammar.h"

namespace py {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

/// The first position at or after `pos`, before `limit`, that is not a blank.
uint32_t skip_blanks(std::string_view text, uint32_t pos, uint32_t limit) {
  while (pos < limit && blank(text[pos])) ++pos;
  return pos;
}

/// A comment starts in [begin, end): the text between two elements holds only blanks, commas,
/// line breaks, backslash continuations and comments, so any '#' there starts a comment.
bool has_comment(std::string_view text, uint32_t begin, uint32_t end) {
  return begin < end && text.substr(begin, end - begin).find('#') != std::string_view::npos;
}

/// The end of the element's own tail: blanks, its comma, blanks; nothing else.
uint32_t after_own_comma(std::string_view text, uint32_t end, uint32_t limit) {
  uint32_t p = skip_blanks(text, end, limit);
  if (p < limit && text[p] == ',') return skip_blanks(text, p + 1, limit);
  return end;
}

/// Whole lines [line start, after the line break) when `element` stands alone on its lines: only
/// blanks before it, and after it its comma (optional for the last element), blanks, a comment
/// and the line break. {0, 0} otherwise.
std::pair<uint32_t, uint32_t> own_lines(std::string_view text, uint32_t open, uint32_t begin, uint32_t end,
                                        bool last) {
  uint32_t start = begin;
  while (start > open && blank(text[start - 1])) --start;
  if (start == open || (text[start - 1] != '\n' && text[start - 1] != '\r')) return {0, 0};
  const auto size = static_cast<uint32_t>(text.size());
  uint32_t p = skip_blanks(text, end, size);
  const bool comma = p < size && text[p] == ',';
  if (comma) p = skip_blanks(text, p + 1, size);
  if (!comma && !last) return {0, 0};
  if (p < size && text[p] == '#') {
    while (p < size && text[p] != '\n' && text[p] != '\r') ++p;
  }
  if (p >= size) return {0, 0};
  if (text[p] == '\r' && p + 1 < size && text[p + 1] == '\n') return {start, p + 2};
  if (text[p] == '\n' || text[p] == '\r') return {start, p + 1};
  return {0, 0};
}

}  // namespace

Removals::Removals(const core::SourceFile& source, ts::Node container) : source_(source) {
  const Kind kind = kind_of(container);
  if (kind != Kind::kArgumentList && kind != Kind::kDictionary) return;
  const std::string_view text = source.text();
  open_ = container.start_byte() + 1;
  close_ = container.end_byte() - 1;
  if (close_ < open_ || close_ >= text.size() || (text[close_] != ')' && text[close_] != '}')) return;
  for_each_named_child(container, [&](ts::Node c) {
    if (kind_of(c) != Kind::kComment) elements_.push_back(c);
  });
}

core::TextSpan Removals::span(size_t index) const {
  if (index >= elements_.size()) return {};
  const std::string_view text = source_.text();
  const uint32_t begin = elements_[index].start_byte();
  const uint32_t end = elements_[index].end_byte();
  const bool last = index + 1 == elements_.size();
  if (elements_.size() == 1 && !has_comment(text, open_, begin) && !has_comment(text, end, close_)) {
    return source_.span(open_, close_);
  }
  if (const auto [line_begin, line_end] = own_lines(text, open_, begin, end, last); line_end > line_begin) {
    return source_.span(line_begin, line_end);
  }
  if (elements_.size() == 1) return source_.span(begin, after_own_comma(text, end, close_));
  if (!last) {
    const uint32_t next = elements_[index + 1].start_byte();
    if (!has_comment(text, end, next)) return source_.span(begin, next);
    return source_.span(begin, after_own_comma(text, end, next));
  }
  const uint32_t previous = elements_[index - 1].end_byte();
  if (!has_comment(text, previous, begin)) return source_.span(previous, end);
  // `f(a,  # note\n  x=1)`: the comma before stays (a trailing comma is valid) with the comment.
  return source_.span(begin, after_own_comma(text, end, close_));
}

}  // namespace py
