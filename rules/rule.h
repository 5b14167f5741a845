#pragma once
#include <span>
#include <string_view>

#include "core/finding.h"
#include "sqla/facts.h"

namespace rules {

// The role sets rules declare (core::RuleInfo::roles); the configuration can
// re-assign files to roles.
inline constexpr core::RoleSet kEverywhere = core::kAllRoles;
inline constexpr core::RoleSet kProductionOnly =
    core::role_bit(core::FileRole::kProduction);
/// Code that runs against the deployed database: the application, its scripts
/// and its migrations.
inline constexpr core::RoleSet kDeployedCode =
    core::role_bit(core::FileRole::kProduction) |
    core::role_bit(core::FileRole::kScript) |
    core::role_bit(core::FileRole::kMigration);
inline constexpr core::RoleSet kNotTests =
    core::kAllRoles & ~core::role_bit(core::FileRole::kTest);
inline constexpr core::RoleSet kNotExamples =
    core::kAllRoles & ~core::role_bit(core::FileRole::kExample);

/// A rule: static metadata plus one check over the project's facts.
struct Rule {
  core::RuleInfo info;
  void (*check)(const sqla::ProjectFacts& facts, core::Sink& out);
};

/// Every rule, sorted by code.
std::span<const Rule* const> all_rules();
/// The rule with this code or name, in any case (`pa101`, `nullpool-pool-sizing`), or nullptr.
const Rule* find_rule(std::string_view code);

}  // namespace rules
