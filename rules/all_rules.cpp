// THE list of rules, sorted by code. Adding a rule: its file, one line here, one in
// rules/CMakeLists.txt, and fixtures/PAnnn/.
#include <algorithm>
#include <array>

#include "rules/rule.h"

namespace rules {

extern const Rule kPA101;

namespace {
constexpr std::array<const Rule*, 1> kRules = {
    &kPA101,
};
}  // namespace

std::span<const Rule* const> all_rules() { return kRules; }

const Rule* find_rule(std::string_view code) {
  for (const Rule* r : kRules) {
    if (r->info.code == code || r->info.name == code) return r;
  }
  return nullptr;
}

}  // namespace rules
