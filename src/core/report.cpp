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

}  // namespace core
