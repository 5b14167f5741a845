#include "core/role.h"

namespace core {

std::string_view role_name(FileRole role) {
  switch (role) {
  case FileRole::kProduction:
    return "production";
  case FileRole::kTest:
    return "test";
  case FileRole::kExample:
    return "example";
  case FileRole::kMigration:
    return "migration";
  case FileRole::kScript:
    return "script";
  }
  return "production";
}

std::optional<FileRole> parse_role(std::string_view name) {
  for (FileRole role : kRoles) {
    if (role_name(role) == name)
      return role;
  }
  return std::nullopt;
}

std::string role_list(RoleSet set) {
  if (set == kAllRoles)
    return "all roles";
  std::string out;
  for (FileRole role : kRoles) {
    if (!applies_to(set, role))
      continue;
    if (!out.empty())
      out += ", ";
    out += role_name(role);
  }
  return out;
}

} // namespace core
