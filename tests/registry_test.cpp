// The rule registry is consistent: sorted unique codes, kebab-case names, documentation present.
#include <doctest/doctest.h>

#include <cctype>
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
