#include "rules/common.h"

namespace rules {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "'" : ",'") + n + "'";
  return out;
}

}  // namespace rules
