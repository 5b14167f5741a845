// libFuzzer target: any bytes given to the in-memory entry point must give findings and
// diagnostics, never a crash, a hang, a leak or undefined behaviour. A crasher found here is
// copied to tests/fuzz/regressions/, which the unit tests replay on every run.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/analyze.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)app::analyze_source(text, "fuzz.py");
  return 0;
}
