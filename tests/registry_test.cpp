// The rule registry is consistent: sorted unique codes, kebab-case names, docs and evidence.
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <set>
#include <string>

#include "rules/rule.h"

TEST_CASE("registry: codes sorted and unique, names kebab-case, docs non-empty") {
  std::string previous;
  std::set<std::string> names;
  for (const rules::Rule* rule : rules::all_rules()) {
    const std::string code(rule->info.code);
    INFO(code);
    CHECK(code.size() == 5);
    CHECK(code.rfind("PA", 0) == 0);
    CHECK(code > previous);
    previous = code;
    const std::string name(rule->info.name);
    CHECK(names.insert(name).second);
    CHECK_FALSE(name.empty());
    for (char c : name) CHECK((std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'));
    CHECK(name.front() != '-');
    CHECK(name.back() != '-');
    CHECK_FALSE(rule->info.summary.empty());
    CHECK(rule->info.explanation.size() > 80);
    CHECK(rule->info.explanation.find("Not reported when") != std::string_view::npos);
    CHECK_FALSE(rule->info.fix.empty());
    CHECK(static_cast<bool>(rule->check));
    CHECK(rules::find_rule(code) == rule);
    CHECK(rules::find_rule(name) == rule);
  }
  CHECK(rules::find_rule("PA999") == nullptr);
}

// The proof status in the metadata (--explain, docs/rules) follows the oracle's cases: a rule says
// "Proven by the oracle" exactly when tests/oracle/cases/PAnnn holds its programs (issue 17).
TEST_CASE("registry: evidence says proven by the oracle exactly for the rules the oracle runs") {
  namespace fs = std::filesystem;
  const fs::path cases = fs::path(POOLAUDIT_SOURCE_DIR) / "tests" / "oracle" / "cases";
  REQUIRE(fs::is_directory(cases));
  std::set<std::string> with_cases;
  for (const fs::directory_entry& entry : fs::directory_iterator(cases)) {
    with_cases.insert(entry.path().filename().string());
  }
  for (const rules::Rule* rule : rules::all_rules()) {
    const std::string code(rule->info.code);
    INFO(code);
    const std::string_view evidence = rule->info.evidence;
    REQUIRE_FALSE(evidence.empty());
    CHECK(evidence.back() == '.');
    const bool proven = evidence.starts_with("Proven by the oracle");
    CHECK(proven == (with_cases.erase(code) == 1));
    // What the oracle cannot run is said so, with the reason or the source it was checked in.
    if (!proven) CHECK(evidence.starts_with("Not "));
  }
  CHECK(with_cases.empty());  // a case directory for a rule that does not exist
}
