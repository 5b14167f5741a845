#include "app/text_edits.h"

#include <algorithm>
#include <numeric>

namespace app {
namespace {

bool overlaps(const core::TextSpan& a, const core::TextSpan& b) {
  if (a.begin == a.end || b.begin == b.end) return a.begin <= b.end && b.begin <= a.end;  // insertions
  return a.begin < b.end && b.begin < a.end;
}

uint32_t first_byte(const core::Fix& fix) { return fix.edits.empty() ? 0 : fix.edits.front().span.begin; }

}  // namespace

std::string apply_edits(std::string_view text, const std::vector<core::Edit>& edits, uint32_t shift) {
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const core::Edit& e : edits) {
    const size_t begin = std::min<size_t>(e.span.begin + size_t{shift}, text.size());
    const size_t end = std::min<size_t>(e.span.end + size_t{shift}, text.size());
    if (begin < at) continue;  // overlapping: never produced by pick_round
    out.append(text.substr(at, begin - at));
    out.append(e.replacement);
    at = std::max(begin, end);
  }
  out.append(text.substr(at));
  return out;
}

std::vector<size_t> pick_round(const std::vector<const core::Fix*>& fixes) {
  std::vector<size_t> order(fixes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return first_byte(*fixes[a]) < first_byte(*fixes[b]); });
  std::vector<size_t> taken;
  std::vector<core::TextSpan> spans;
  for (size_t i : order) {
    const core::Fix& fix = *fixes[i];
    if (fix.edits.empty()) continue;
    const bool duplicate = std::any_of(taken.begin(), taken.end(), [&](size_t t) {
      return fixes[t]->edits == fix.edits;
    });
    if (duplicate) continue;
    const bool clash = std::any_of(fix.edits.begin(), fix.edits.end(), [&](const core::Edit& e) {
      return std::any_of(spans.begin(), spans.end(), [&](const core::TextSpan& s) { return overlaps(e.span, s); });
    });
    if (clash) continue;
    taken.push_back(i);
    for (const core::Edit& e : fix.edits) spans.push_back(e.span);
  }
  return taken;
}

}  // namespace app
