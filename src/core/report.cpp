#include "core/report.h"

namespace core {

const char* check_status_name(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass: return "pass";
    case CheckStatus::kFail: return "fail";
    case CheckStatus::kNotApplicable: return "n/a";
  }
  return "n/a";
}

std::string role_breakdown(const Summary &summary) {
  std::string out;
  for (FileRole role : kRoles) {
    const size_t n = summary.roles[static_cast<size_t>(role)];
    if (n == 0)
      continue;
    if (!out.empty())
      out += ", ";
    out += std::to_string(n) + " " + std::string(role_name(role));
  }
  return out;
}

}  // namespace core
