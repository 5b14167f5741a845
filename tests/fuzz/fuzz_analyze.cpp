// libFuzzer target: any bytes given to the in-memory entry point (Python
// analysis, every rule) and to the literal pre-filter that decides which files
// are parsed must give findings and diagnostics about that file, never a crash,
// a hang, a leak or undefined behaviour.
#include "app/analyze.h"
#include "app/prefilter.h"
#include "fuzz_support.h"

namespace fuzz {

int analyze(const uint8_t *data, size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  (void)app::scan_python(text, "pkg.fuzz", data != nullptr && size % 2 == 0);
  // The module-level generator names the PA207 pairing reads (scan_python asks for all of them).
  (void)app::plain_generator_names(text, true);
  for (const core::Finding &f : app::analyze_source(text, "fuzz.py")) {
    expect(f.where.path == "fuzz.py", "analyze",
           "a finding about another file: " + f.where.path);
  }
  return 0;
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::analyze)
