// THE list of rules, sorted by code. Adding a rule: its file, one line here, one in
// rules/CMakeLists.txt, and fixtures/PAnnn/.
#include <algorithm>
#include <array>

#include "core/text.h"
#include "rules/rule.h"

namespace rules {

extern const Rule kPA101;
extern const Rule kPA102;
extern const Rule kPA103;
extern const Rule kPA104;
extern const Rule kPA105;
extern const Rule kPA106;
extern const Rule kPA107;
extern const Rule kPA108;
extern const Rule kPA109;
extern const Rule kPA110;
extern const Rule kPA111;
extern const Rule kPA112;
extern const Rule kPA113;
extern const Rule kPA114;
extern const Rule kPA115;
extern const Rule kPA116;
extern const Rule kPA117;
extern const Rule kPA118;
extern const Rule kPA119;
extern const Rule kPA120;
extern const Rule kPA121;
extern const Rule kPA201;
extern const Rule kPA202;
extern const Rule kPA203;
extern const Rule kPA204;
extern const Rule kPA205;
extern const Rule kPA207;
extern const Rule kPA208;
extern const Rule kPA301;
extern const Rule kPA302;
extern const Rule kPA303;
extern const Rule kPA401;
extern const Rule kPA402;
extern const Rule kPA403;

namespace {
constexpr std::array<const Rule*, 34> kRules = {
    &kPA101,
    &kPA102,
    &kPA103,
    &kPA104,
    &kPA105,
    &kPA106,
    &kPA107,
    &kPA108,
    &kPA109,
    &kPA110,
    &kPA111,
    &kPA112,
    &kPA113,
    &kPA114,
    &kPA115,
    &kPA116,
    &kPA117,
    &kPA118,
    &kPA119,
    &kPA120,
    &kPA121,
    &kPA201,
    &kPA202,
    &kPA203,
    &kPA204,
    &kPA205,
    &kPA207,
    &kPA208,
    &kPA301,
    &kPA302,
    &kPA303,
    &kPA401,
    &kPA402,
    &kPA403,
};
}  // namespace

std::span<const Rule* const> all_rules() { return kRules; }

const Rule* find_rule(std::string_view code) {
  const std::string wanted = core::lower(code);
  for (const Rule* r : kRules) {
    if (core::lower(r->info.code) == wanted || core::lower(r->info.name) == wanted) return r;
  }
  return nullptr;
}

}  // namespace rules
