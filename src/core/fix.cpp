#include "core/fix.h"

namespace core {

std::string_view applicability_name(Applicability applicability) {
  return applicability == Applicability::kSafe ? "safe" : "unsafe";
}

std::string_view fix_availability_name(FixAvailability availability) {
  switch (availability) {
    case FixAvailability::kNone: return "none";
    case FixAvailability::kSometimes: return "sometimes";
    case FixAvailability::kAlways: return "always";
  }
  return "none";
}

}  // namespace core
