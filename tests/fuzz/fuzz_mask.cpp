// libFuzzer target for the URL parser and the masker; the properties are in
// mask_properties.h. A find is copied to tests/fuzz/mask_regressions/, which
// tests/mask_test.cpp replays.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/mask_properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string violation =
      mask_property_violation(std::string_view(reinterpret_cast<const char *>(data), size));
  if (!violation.empty()) {
    std::fprintf(stderr, "%s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
