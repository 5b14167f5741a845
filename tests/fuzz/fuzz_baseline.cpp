// libFuzzer target: the baseline loader (--baseline FILE), then the round trip:
// the loaded keys applied to findings, written back with write_baseline() and
// read again. Properties: a rejected file says why; what poolaudit writes it
// can read, with the same number of findings.
#include <string>
#include <vector>

#include "app/baseline.h"
#include "fuzz_support.h"

namespace fuzz {

int baseline(const uint8_t *data, size_t size) {
  const std::string file =
      write_scratch("baseline.json",
                    {reinterpret_cast<const char *>(data), size})
          .string();
  std::string error;
  const std::optional<app::Baseline> loaded = app::load_baseline(file, error);
  if (!loaded) {
    expect(!error.empty(), "baseline", "a rejected baseline without a message");
    return 0;
  }
  // One finding per recorded occurrence (capped: counts are the file's
  // numbers), paths absolute under the baseline's directory as a run would
  // display them from there.
  std::vector<core::Finding> findings;
  for (const auto &[key, count] : loaded->counts) {
    const auto &[rule, path, scope, subject] = key;
    for (size_t i = 0; i < count && findings.size() < 256; ++i) {
      core::Finding f;
      f.code = rule;
      f.where.path = loaded->dir + "/" + path;
      f.scope = scope;
      f.subject = subject;
      findings.push_back(std::move(f));
    }
  }
  app::apply_baseline(*loaded, findings);
  const std::string again = (scratch_dir() / "again.json").string();
  size_t written = 0;
  if (!app::write_baseline(again, findings, written, error)) {
    expect(false, "baseline", "cannot write a baseline: " + error);
    return 0;
  }
  expect(written == findings.size(), "baseline",
         "write_baseline dropped findings");
  const std::optional<app::Baseline> reread = app::load_baseline(again, error);
  expect(reread.has_value(), "baseline",
         "cannot read the baseline it wrote: " + error);
  if (!reread)
    return 0;
  size_t total = 0;
  for (const auto &[key, count] : reread->counts)
    total += count;
  expect(total == written, "baseline",
         "the rewritten baseline counts differently");
  return 0;
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::baseline)
