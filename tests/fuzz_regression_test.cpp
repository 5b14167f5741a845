// Replays tests/fuzz/regressions/<target>/* through the libFuzzer targets' own
// entry functions (tests/fuzz/fuzz_<target>.cpp, compiled into this binary
// without libFuzzer), so every input a fuzzer found, and its properties, are
// checked by `make test` with any compiler.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_targets.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> &broken() {
  static std::vector<std::string> list;
  return list;
}

void record(std::string_view target, std::string_view what) {
  broken().push_back(std::string(target) + ": " + std::string(what));
}

std::string bytes_of(const fs::path &file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("fuzz: every regression input passes its target's properties "
          "(tests/fuzz/regressions)") {
  const fs::path root =
      fs::path(POOLAUDIT_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  fuzz::failure_hook() = record;
  std::vector<std::string> dirs;
  for (const auto &entry : fs::directory_iterator(root))
    dirs.push_back(entry.path().filename().string());
  std::sort(dirs.begin(), dirs.end());
  for (const fuzz::Target &target : fuzz::kTargets) {
    CHECK_MESSAGE(std::count(dirs.begin(), dirs.end(), target.name) == 1,
                  "no regression directory for target ",
                  std::string(target.name));
  }
  for (const std::string &dir : dirs) {
    const auto *target =
        std::find_if(std::begin(fuzz::kTargets), std::end(fuzz::kTargets),
                     [&](const fuzz::Target &t) { return t.name == dir; });
    REQUIRE_MESSAGE(target != std::end(fuzz::kTargets), "regressions/", dir,
                    " names no fuzz target");
    std::vector<fs::path> files;
    for (const auto &entry : fs::directory_iterator(root / dir))
      files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    CHECK_MESSAGE(!files.empty(), "regressions/", dir, " is empty");
    for (const fs::path &file : files) {
      INFO("regressions/", dir, "/", file.filename().string());
      const std::string bytes = bytes_of(file);
      broken().clear();
      CHECK(target->run(reinterpret_cast<const uint8_t *>(bytes.data()),
                        bytes.size()) == 0);
      for (const std::string &what : broken())
        FAIL_CHECK(what);
    }
  }
  fuzz::failure_hook() = nullptr;
}
