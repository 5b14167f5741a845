// libFuzzer target: the TOML configuration (`poolaudit.toml` top-level keys,
// `[tool.poolaudit]` in pyproject.toml) through resolve_settings(), as
// `--config FILE` reads it, then everything a run does with the settings (rule
// selection, --show-settings, per-file-ignores, overrides). Property: a
// rejected file says why (file:line and key), an accepted one is usable. The
// same file is then found by discovery (SettingsTree, hierarchical
// configuration) beside a `base.toml` it may `extend`: a valid one, or one that
// extends it back (a cycle), so extend resolution is fuzzed too.
#include <filesystem>
#include <sstream>
#include <string>

#include "app/config.h"
#include "app/config_tree.h"
#include "fuzz_support.h"
#include "sqla/facts.h"

namespace fuzz {

int config(const uint8_t *data, size_t size) {
  Bytes in(data, size);
  const uint8_t choice = in.byte();
  const char *name = choice % 2 == 0 ? "poolaudit.toml" : "pyproject.toml";
  write_scratch("base.toml", (choice & 2) != 0
                                 ? std::string("extend = \"") + name + "\"\n"
                                 : std::string("ignore = [\"PA103\"]\nexclude = [\"gen/\"]\n"));
  std::error_code ec;  // discovery below must find this input's file, not the other name's
  std::filesystem::remove(scratch_dir() / (choice % 2 == 0 ? "pyproject.toml" : "poolaudit.toml"), ec);
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

  // Discovery: the file applies to the files below its directory.
  options.config.clear();
  std::string tree_error;
  std::optional<app::SettingsTree> tree = app::SettingsTree::resolve(options, tree_error);
  expect(tree.has_value() || !tree_error.empty(), "config",
         "a rejected configuration (discovered) without a message");
  if (!tree)
    return 0;
  const app::Settings &own = tree->for_file(finding.where.path);
  expect(own.file.empty() || !own.chain.empty(), "config",
         "settings from a file without their chain");
  (void)tree->union_rules();
  std::ostringstream per_path;
  std::string show_error;
  (void)app::show_path_settings(*tree, {finding.where.path}, per_path, show_error);
  return 0;
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::config)
