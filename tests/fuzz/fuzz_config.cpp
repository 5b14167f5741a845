// libFuzzer target: the TOML configuration (`poolaudit.toml` top-level keys,
// `[tool.poolaudit]` in pyproject.toml) through resolve_settings(), as
// `--config FILE` reads it, then everything a run does with the settings (rule
// selection, --show-settings, per-file-ignores, overrides). Property: a
// rejected file says why (file:line and key), an accepted one is usable.
#include <sstream>
#include <string>

#include "app/config.h"
#include "fuzz_support.h"
#include "sqla/facts.h"

namespace fuzz {

int config(const uint8_t *data, size_t size) {
  Bytes in(data, size);
  const char *name = in.byte() % 2 == 0 ? "poolaudit.toml" : "pyproject.toml";
  app::Options options;
  options.config = write_scratch(name, in.rest()).string();
  options.paths = {scratch_dir().string()};
  std::string error;
  const std::optional<app::Settings> settings =
      app::resolve_settings(options, error);
  if (!settings) {
    expect(!error.empty(), "config",
           "a rejected configuration without a message");
    return 0;
  }
  std::string rules_error;
  const auto selected = app::settings_rules(*settings, rules_error);
  expect(selected.has_value() || !rules_error.empty(), "config",
         "rules rejected without a message");
  std::ostringstream shown;
  if (selected)
    app::show_settings(*settings, *selected, shown);
  core::Finding finding;
  finding.code = "PA101";
  finding.where.path = (scratch_dir() / "app" / "db.py").string();
  (void)app::per_file_ignored(*settings, finding);
  sqla::ProjectContext context;
  app::apply_settings(*settings, context);
  return 0;
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::config)
