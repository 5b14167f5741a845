// Issue 15's done-when, measured: over every fixture (each fixtures/PAnnn entry and each
// fixtures/projects directory is its own project, as the fixture test runs them), safe `--fix` with
// every rule removes at least 70% of the findings of the rules the issue lists as safe, never adds
// a finding, never leaves a file that does not parse, and a second `--fix` changes nothing.
//
// PA204 is listed in the issue with "drop `autocommit=False`", an edit for a finding PA204 never
// reports: it reports `autocommit=True` (which raises on 2.0; `autocommit=False` is accepted), and
// deleting `autocommit=True` changes how the session commits on 1.x, so its fix is always unsafe.
// It is counted in the table but not in the rate the test asserts (both rates are printed).
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "app/analyze.h"
#include "app/config_tree.h"
#include "app/fix_run.h"
#include "py/grammar.h"
#include "tests/fixtures.h"
#include "tests/parses.h"
#include "tests/temp_dir.h"
#include "ts/tree.h"

namespace fs = std::filesystem;

namespace {

const std::set<std::string> kSafeListed = {"PA101", "PA102", "PA103", "PA108", "PA120",
                                           "PA121", "PA204", "PA301", "PA302"};
const std::set<std::string> kNotCounted = {"PA204"};

/// Unsuppressed findings per (path, rule).
std::map<std::pair<std::string, std::string>, size_t> counts(const core::Report& report) {
  std::map<std::pair<std::string, std::string>, size_t> out;
  for (const core::Finding& f : report.findings) {
    if (!f.suppressed) ++out[{f.where.path, std::string(f.code)}];
  }
  return out;
}

/// Restores the working directory (display paths are relative to it).
struct InDirectory {
  explicit InDirectory(const fs::path& dir) : saved(fs::current_path()) { fs::current_path(dir); }
  ~InDirectory() {
    std::error_code ec;
    fs::current_path(saved, ec);
  }
  fs::path saved;
};

struct Fixed {
  std::optional<app::FixOutcome> outcome;
  std::optional<core::Report> before;
  std::string error;
};

/// Audits `fixture` with every rule, then applies the safe fixes in memory (fix_project).
Fixed fix_fixture(const std::string& fixture) {
  Fixed out;
  app::Options options;
  options.paths = {fixture};
  options.select = {"ALL"};
  options.jobs = 1;
  options.files_only = true;
  options.fix = true;
  std::optional<app::SettingsTree> tree = app::SettingsTree::resolve(options, out.error);
  if (!tree) return out;
  std::vector<const rules::Rule*> audited;
  std::vector<const rules::Rule*> fixed;
  const app::Options& resolved = tree->project().options;
  out.before = app::analyze(resolved, *tree, audited, out.error);
  if (!out.before) return out;
  out.outcome = app::fix_project(resolved, *tree, fixed, out.error);
  return out;
}

}  // namespace

TEST_CASE("safe --fix over every fixture removes >= 70% of the safe-listed rules' findings") {
  tests::TempDir dir;
  fs::copy(fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures", dir.path() / "fixtures", fs::copy_options::recursive);
  fs::remove_all(dir.path() / "fixtures" / "fix");
  InDirectory in(dir.path());
  std::vector<fs::path> fixtures = tests::rule_fixtures("fixtures");
  for (const fs::path& p : tests::project_fixtures("fixtures")) fixtures.push_back(p);
  REQUIRE(fixtures.size() > 100);
  std::map<std::string, std::pair<size_t, size_t>> table;  // rule -> before, after
  for (const std::string& code : kSafeListed) table[code] = {0, 0};
  size_t changed_files = 0;
  for (const fs::path& fixture : fixtures) {
    const std::string name = fixture.generic_string();
    INFO("fixture " << name);
    Fixed first = fix_fixture(name);
    REQUIRE_MESSAGE(first.outcome, first.error);
    const auto old_counts = counts(*first.before);
    const auto new_counts = counts(first.outcome->report);
    for (const auto& [key, n] : old_counts) {
      if (kSafeListed.count(key.second)) table[key.second].first += n;
    }
    for (const auto& [key, n] : new_counts) {
      if (kSafeListed.count(key.second)) table[key.second].second += n;
      const auto old = old_counts.find(key);
      CHECK_MESSAGE((old != old_counts.end() && old->second >= n),
                    "the fixes add " << key.second << " findings in " << key.first);
    }
    for (const auto& [path, file] : first.outcome->changed) {
      INFO("fixed file " << path);
      CHECK(tests::parses(file.after));
      ++changed_files;
    }
    std::string error;
    REQUIRE_MESSAGE(app::write_fixed_files(*first.outcome, error), error);
    // Idempotent: the fixed tree offers nothing more.
    Fixed second = fix_fixture(name);
    REQUIRE_MESSAGE(second.outcome, second.error);
    CHECK_MESSAGE(second.outcome->changed.empty(), "a second --fix changes " << second.outcome->changed.size()
                                                                              << " file(s)");
  }
  size_t before = 0, after = 0, counted_before = 0, counted_after = 0;
  std::ostringstream shown;
  shown << "safe --fix --select ALL over " << fixtures.size() << " fixtures (" << changed_files
        << " files changed)\nrule    before  after  removed\n";
  for (const auto& [code, n] : table) {
    const double removed = n.first == 0 ? 0.0 : 100.0 * (double(n.first) - double(n.second)) / double(n.first);
    char line[80];
    std::snprintf(line, sizeof line, "%-7s %6zu %6zu  %5.1f%%%s\n", code.c_str(), n.first, n.second, removed,
                  kNotCounted.count(code) ? "  (always unsafe: not in the rate)" : "");
    shown << line;
    before += n.first;
    after += n.second;
    if (kNotCounted.count(code)) continue;
    counted_before += n.first;
    counted_after += n.second;
  }
  const double rate = 100.0 * (double(counted_before) - double(counted_after)) / double(counted_before);
  const double rate_all = 100.0 * (double(before) - double(after)) / double(before);
  char totals[160];
  std::snprintf(totals, sizeof totals, "total   %6zu %6zu  %5.1f%% (with PA204: %zu -> %zu, %.1f%%)\n",
                counted_before, counted_after, rate, before, after, rate_all);
  shown << totals;
  MESSAGE(shown.str());
  CHECK(counted_before > 100);
  CHECK(rate >= 70.0);
}
