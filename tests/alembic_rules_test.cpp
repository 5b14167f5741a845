// What the annotated fixtures cannot say: severities that depend on the project (PA301) and
// credentials that must never reach a message (PA113, PA303).
#include <doctest/doctest.h>

#include <filesystem>

#include "app/analyze.h"

namespace {

std::vector<core::Finding> audit(const std::string& fixture, const std::string& code) {
  std::string error;
  auto rules = app::select_rules({code}, {}, error);
  REQUIRE(rules);
  app::Options options;
  options.paths = {(std::filesystem::path(POOLAUDIT_SOURCE_DIR) / "fixtures" / fixture).string()};
  options.jobs = 1;
  auto report = app::analyze(options, *rules, error);
  REQUIRE(report);
  return report->findings;
}

}  // namespace

TEST_CASE(
    "PA301 is info for the alembic CLI and a warning when the app runs migrations in-process") {
  const auto cli = audit("PA301/generic_no_nullpool", "PA301");
  REQUIRE(cli.size() == 1);
  CHECK(cli[0].severity == core::Severity::kInfo);
  const auto in_process = audit("PA301/in_process_upgrade", "PA301");
  REQUIRE(in_process.size() == 1);
  CHECK(in_process[0].severity == core::Severity::kWarning);
  CHECK(in_process[0].message.find("in-process") != std::string::npos);
}

TEST_CASE("PA113 and PA303 messages show the URL masked, never the password") {
  for (const auto& [fixture, code, secret] :
       {std::tuple{"PA113/hardcoded_passwords.py", "PA113", "hunter2hunter2"},
        std::tuple{"PA303/real_password", "PA303", "Zq8-vT2u!kd"}}) {
    const auto findings = audit(fixture, code);
    REQUIRE(!findings.empty());
    for (const core::Finding& f : findings) {
      CHECK(f.message.find(secret) == std::string::npos);
      CHECK(f.message.find(":***@") != std::string::npos);
    }
  }
}
