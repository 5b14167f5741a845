#pragma once
// Stage "rules": every selected rule over the project's facts; one finding per branch configuration
// kept, credentials masked, sorted.
#include <vector>

#include "core/finding.h"
#include "rules/rule.h"
#include "sqla/facts.h"

namespace app {

/// The selected rules' findings, de-duplicated per rule, masked and sorted.
std::vector<core::Finding> run_rules(const sqla::ProjectFacts& facts, const std::vector<const rules::Rule*>& selected);

}  // namespace app
