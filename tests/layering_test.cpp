// The drawn structure holds (issue 18, shared/design/architecture.md): dependencies between the
// source directories point one way, a rule never reaches a tree-sitter node, and no source file
// outgrows ~800 lines. Read from the sources themselves, so a new back-arrow fails here first.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path kSource = POOLAUDIT_SOURCE_DIR;

/// Which layers each layer may include. `ts` knows nothing about poolaudit, `py` knows Python but
/// not SQLAlchemy, rules see facts (sqla, core) and never a tree (ts, py), `report` renders core's
/// result model, and only `app` and main assemble everything.
const std::map<std::string, std::set<std::string>> kMayInclude = {
    {"core", {}},
    {"ts", {}},
    {"cli", {}},
    {"py", {"core", "ts"}},
    {"sqla", {"core", "ts", "py"}},
    {"rules", {"core", "sqla"}},
    {"report", {"core"}},
    {"app", {"core", "ts", "py", "sqla", "rules", "report", "cli"}},
    {"main", {"app", "cli"}},
};

/// The layer of a source file: its top directory under src/, `rules` for rules/, `main` for main.cpp.
std::string layer_of(const fs::path& relative) {
  auto part = relative.begin();
  if (*part == "rules") return "rules";
  ++part;  // src
  if (part == relative.end()) return "";
  if (part->has_extension()) return part->stem().string();
  return part->string();
}

template <typename Visit>
void for_each_source(Visit visit) {
  for (const char* top : {"src", "rules", "tests"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kSource / top)) {
      const std::string extension = entry.path().extension().string();
      if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".h")) continue;
      visit(entry.path(), fs::relative(entry.path(), kSource));
    }
  }
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("layering: every include between source directories follows the drawn arrows") {
  const std::regex include(R"re(#include "([a-z_]+)/)re");
  int checked = 0;
  for_each_source([&](const fs::path& path, const fs::path& relative) {
    if (*relative.begin() == "tests") return;
    const std::string layer = layer_of(relative);
    INFO(relative.string());
    REQUIRE(kMayInclude.count(layer) == 1);  // a new top directory must be placed in the drawing
    const std::string text = read_all(path);
    for (std::sregex_iterator m(text.begin(), text.end(), include), end; m != end; ++m) {
      const std::string target = (*m)[1];
      if (target == layer) continue;
      INFO("includes " << target << "/");
      CHECK(kMayInclude.at(layer).count(target) == 1);
      ++checked;
    }
  });
  CHECK(checked > 100);  // the walk saw the tree, not an empty directory
}

TEST_CASE("layering: the drawing itself has no cycle") {
  // Depth-first over the allowed arrows; a layer reached again while on the path is a cycle.
  std::map<std::string, int> state;  // 0 unseen, 1 on the path, 2 done
  std::function<bool(const std::string&)> acyclic = [&](const std::string& layer) {
    if (state[layer] == 1) return false;
    if (state[layer] == 2) return true;
    state[layer] = 1;
    for (const std::string& next : kMayInclude.at(layer)) {
      if (!acyclic(next)) return false;
    }
    state[layer] = 2;
    return true;
  };
  for (const auto& [layer, targets] : kMayInclude) CHECK(acyclic(layer));
}

TEST_CASE("layering: no source file over 800 lines") {
  int files = 0;
  for_each_source([&](const fs::path& path, const fs::path& relative) {
    const std::string text = read_all(path);
    const auto lines = std::count(text.begin(), text.end(), '\n');
    INFO(relative.string() << ": " << lines << " lines");
    CHECK(lines <= 800);
    ++files;
  });
  CHECK(files > 100);
}
