#pragma once
#include <span>
#include <string_view>

#include "core/finding.h"
#include "sqla/facts.h"

namespace rules {

/// A rule: static metadata plus one check over the project's facts.
struct Rule {
  core::RuleInfo info;
  void (*check)(const sqla::ProjectFacts& facts, core::Sink& out);
};

/// Every rule, sorted by code.
std::span<const Rule* const> all_rules();
/// The rule with this code, or nullptr.
const Rule* find_rule(std::string_view code);

}  // namespace rules
