#pragma once
// What kind of code a file is. Rules declare the roles they apply to: a
// tutorial's `echo=True` or a test's throw-away password is not the production
// hazard the rule exists for.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace core {

enum class FileRole : uint8_t {
  kProduction, ///< application and library code (the default)
  kTest,       ///< pytest / unittest modules, conftest.py, tests/ directories
  kExample,    ///< documentation snippets and examples: docs/, docs_src/,
               ///< examples/, tutorials
  kMigration,  ///< Alembic env.py and versions/, migrations/ directories
  kScript, ///< one-off commands: scripts/, bin/, manage.py, a `__main__` guard
           ///< without a server
};

inline constexpr size_t kRoleCount = 5;
inline constexpr std::array<FileRole, kRoleCount> kRoles = {
    FileRole::kProduction, FileRole::kTest, FileRole::kExample,
    FileRole::kMigration, FileRole::kScript};

/// A set of roles, one bit per FileRole.
using RoleSet = uint8_t;
constexpr RoleSet role_bit(FileRole role) {
  return static_cast<RoleSet>(1u << static_cast<unsigned>(role));
}
inline constexpr RoleSet kAllRoles =
    static_cast<RoleSet>((1u << kRoleCount) - 1);
constexpr bool applies_to(RoleSet set, FileRole role) {
  return (set & role_bit(role)) != 0;
}

/// "production", "test", "example", "migration", "script".
std::string_view role_name(FileRole role);
/// The role with this name; nullopt for an unknown name.
std::optional<FileRole> parse_role(std::string_view name);
/// "production, script" (every role: "all roles").
std::string role_list(RoleSet set);

} // namespace core
