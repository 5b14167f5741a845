#include "py/interpreter/support.h"

#include <algorithm>

namespace py::detail {

ValuePtr make(Value v) { return std::make_shared<const Value>(std::move(v)); }

Alts single(Value v, Tags tags) { return Alts{Alt{make(std::move(v)), std::move(tags)}}; }

std::string collapse_space(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > 120) out = out.substr(0, 117) + "...";
  return out;
}

void dedupe(Alts& alts) {
  for (size_t i = 0; i < alts.size(); ++i) {
    for (size_t j = i + 1; j < alts.size();) {
      if (alts[i].value == alts[j].value ||
          (alts[i].value && alts[j].value && alts[i].value->same_as(*alts[j].value))) {
        // The same value on both paths: keep only the conditions the paths share.
        Tags common;
        for (const CondTag& t : alts[i].tags) {
          if (std::find(alts[j].tags.begin(), alts[j].tags.end(), t) != alts[j].tags.end()) {
            common.push_back(t);
          }
        }
        alts[i].tags = std::move(common);
        alts.erase(alts.begin() + static_cast<std::ptrdiff_t>(j));
      } else {
        ++j;
      }
    }
  }
  if (alts.size() > kMaxAlts) {
    // Too many paths to follow: the value is Unknown (silence), which also keeps the cost of every
    // later statement bounded.
    core::Location origin = alts[0].value ? alts[0].value->origin : core::Location{};
    alts.assign(1, Alt{std::make_shared<const Value>(Value::unknown(std::move(origin), "too many branches")), {}});
  }
}

}  // namespace py::detail
