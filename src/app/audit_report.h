#pragma once
#include <vector>

#include "core/report.h"
#include "rules/rule.h"
#include "sqla/facts.h"

namespace app {

/// Fills the report's inventory, checks and summary from the facts and the (sorted) findings.
void build_audit(const sqla::ProjectFacts& facts, const std::vector<const rules::Rule*>& selected,
                 core::Report& report);

}  // namespace app
