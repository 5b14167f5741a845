// Before/after pairs of the rules whose fixes the semantic layer plans (PA104, PA108, PA202, PA301,
// PA302, PA403): fixtures/fix/PAnnn/<name>.py (or a project directory <name>/) with every fix of
// that rule applied must read as <name>.fixed.py (or the files under <name>.fixed/); a second
// analysis of the result offers no fix of the rule any more (idempotence).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/analyze.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The findings of `code` in the project at `root`.
std::vector<core::Finding> audit(const fs::path& root, const std::string& code) {
  std::string error;
  auto rules = app::select_rules({code}, {}, error);
  REQUIRE_MESSAGE(rules, error);
  app::Options options;
  options.paths = {root.string()};
  options.jobs = 1;
  auto report = app::analyze(options, *rules, error);
  REQUIRE_MESSAGE(report, error);
  return report->findings;
}

/// Applies every fix of the findings (first come, overlapping ones skipped) to the files under root;
/// returns how many fixes were applied.
int apply_fixes(const fs::path& root, const std::vector<core::Finding>& findings) {
  std::map<std::string, std::vector<core::Edit>> by_file;
  int applied = 0;
  for (const core::Finding& f : findings) {
    if (!f.autofix) continue;
    auto& taken = by_file[f.where.path];
    const bool clash = std::any_of(f.autofix->edits.begin(), f.autofix->edits.end(), [&](const core::Edit& e) {
      return std::any_of(taken.begin(), taken.end(), [&](const core::Edit& t) {
        return e == t || (e.span.begin < t.span.end && t.span.begin < e.span.end) ||
               (e.span.begin == t.span.begin && e.span.end == t.span.end);
      });
    });
    if (clash) continue;
    taken.insert(taken.end(), f.autofix->edits.begin(), f.autofix->edits.end());
    ++applied;
  }
  for (auto& [path, edits] : by_file) {
    fs::path file = root / path;
    if (!fs::exists(file)) file = path;
    REQUIRE_MESSAGE(fs::exists(file), path);
    std::string text = read(file);
    std::stable_sort(edits.begin(), edits.end(),
                     [](const core::Edit& a, const core::Edit& b) { return a.span.begin > b.span.begin; });
    for (const core::Edit& e : edits) {
      REQUIRE(e.span.end <= text.size());
      text.replace(e.span.begin, e.span.end - e.span.begin, e.replacement);
    }
    std::ofstream(file, std::ios::binary) << text;
  }
  return applied;
}

}  // namespace

TEST_CASE("fix pairs: each rule's fixes turn the before file into the after file, once") {
  const fs::path root = fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures" / "fix";
  int pairs = 0;
  for (const std::string code : {"PA104", "PA108", "PA202", "PA301", "PA302", "PA403"}) {
    const fs::path dir = root / code;
    REQUIRE_MESSAGE(fs::is_directory(dir), dir.string());
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.find(".fixed") != std::string::npos) continue;
      INFO(code << " " << name);
      tests::TempDir temp;
      const fs::path project = temp.path() / "project";
      fs::create_directories(project);
      fs::path expected;
      if (entry.is_directory()) {
        fs::copy(entry.path(), project, fs::copy_options::recursive);
        expected = dir / (name + ".fixed");
      } else {
        fs::copy(entry.path(), project / name);
        expected = dir / (name.substr(0, name.size() - 3) + ".fixed.py");
      }
      REQUIRE_MESSAGE(fs::exists(expected), expected.string());
      apply_fixes(project, audit(project, code));
      if (entry.is_directory()) {
        for (const auto& file : fs::recursive_directory_iterator(expected)) {
          if (!file.is_regular_file()) continue;
          const fs::path relative = fs::relative(file.path(), expected);
          CHECK_MESSAGE(read(project / relative) == read(file.path()), relative.string());
        }
      } else {
        CHECK(read(project / name) == read(expected));
      }
      // Idempotence: nothing of the rule is left to fix.
      for (const core::Finding& f : audit(project, code)) CHECK_MESSAGE(!f.autofix, f.where.path << ":" << f.message);
      ++pairs;
    }
  }
  CHECK(pairs >= 12);
}

TEST_CASE("fix trees: every fix applied in place to the projects under $POOLAUDIT_FIX_TREES") {
  // A manual check over extracted real projects (the ecosystem trees), never in CI: the patched
  // files are listed in $POOLAUDIT_FIX_TREES/patched.txt for `python3 -c 'import ast ...'`.
  const char* trees = std::getenv("POOLAUDIT_FIX_TREES");
  if (!trees) {
    MESSAGE("skipped: set POOLAUDIT_FIX_TREES to a directory of projects (a copy: files are edited)");
    return;
  }
  std::ofstream patched(fs::path(trees) / "patched.txt");
  int fixes = 0;
  for (const auto& project : fs::directory_iterator(trees)) {
    if (!project.is_directory()) continue;
    const std::vector<core::Finding> findings = audit(project.path(), "ALL");
    fixes += apply_fixes(project.path(), findings);
    std::vector<std::string> files;
    for (const core::Finding& f : findings) {
      if (f.autofix) files.push_back((project.path() / f.where.path.str()).string());
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    for (const std::string& file : files) patched << file << "\n";
  }
  MESSAGE("fixes applied: " << fixes);
}
