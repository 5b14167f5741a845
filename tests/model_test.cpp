// Model tests: `--dump-facts` output for each construct under tests/model/ (a file or a project
// directory) compared with the .facts file beside it. POOLAUDIT_UPDATE_MODEL=1 rewrites them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/analyze.h"

namespace fs = std::filesystem;

TEST_CASE("model: --dump-facts for every construct matches its .facts file") {
  std::error_code ec;
  fs::current_path(POOLAUDIT_SOURCE_DIR, ec);
  const fs::path dir = fs::path("tests") / "model";
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".py" || entry.is_directory()) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 5);
  const bool update = std::getenv("POOLAUDIT_UPDATE_MODEL") != nullptr;
  for (const fs::path& c : cases) {
    std::ostringstream out;
    std::string error;
    REQUIRE(app::dump_facts({c.generic_string()}, out, error));
    fs::path expected_path = c;
    expected_path += ".facts";
    INFO("model " << c.generic_string());
    if (update) {
      std::ofstream(expected_path) << out.str();
      continue;
    }
    std::ifstream in(expected_path);
    REQUIRE_MESSAGE(in.good(), "missing " << expected_path.generic_string() << " (POOLAUDIT_UPDATE_MODEL=1)");
    std::stringstream expected;
    expected << in.rdbuf();
    CHECK(out.str() == expected.str());
  }
}
