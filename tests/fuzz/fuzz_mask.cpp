// libFuzzer target: the URL parser and the masker. Property (mask_properties.h): no secret survives
// in any of its spellings, masking is idempotent, masked JSON stays well-formed, parsing never
// crashes. Finds live in tests/fuzz/regressions/mask/.
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "tests/fuzz/mask_properties.h"

namespace fuzz {

int mask(const uint8_t *data, size_t size) {
  const std::string violation =
      mask_property_violation(std::string_view(reinterpret_cast<const char *>(data), size));
  expect(violation.empty(), "mask", violation);
  return 0;
}

}  // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::mask)
