// engine_from_config() hands a configuration mapping's values to create_engine() as they are, and
// coerces only the keys in the dialect's `engine_config_types` (default.py: pool_timeout, echo,
// echo_pool, pool_recycle, pool_size, max_overflow, future; create.py `pop_kwarg` under
// `_coerce_config`). Everything else stays a string: `pool_pre_ping = false` is the truthy string
// 'false', so pre-ping is ON (e02, 1.3 to 2.0.52); `poolclass = NullPool` crashes with
// "AttributeError: 'str' object has no attribute '__dict__'"; a `connect_args` string crashes in
// `cparams.update(...)`. Keyword arguments of engine_from_config() override the mapping
// (`options.update(kwargs)`). Flask-SQLAlchemy 3 builds its engines with
// engine_from_config(options, prefix="") and 2.x with create_engine(): its config values, often
// read from the environment as strings, behave the same way.
#include <cctype>

#include "core/text.h"
#include "rules/engine/engine_options.h"
#include "rules/rule.h"

namespace rules {
namespace {

/// Boolean create_engine() options that engine_from_config() does not coerce.
constexpr std::string_view kBooleanOptions[] = {"pool_pre_ping", "pool_use_lifo", "hide_parameters",
                                                "enable_from_linting"};

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return core::lower(s);
}

/// What goes wrong when `option` arrives as the string `text`; "" when nothing does.
std::string problem(std::string_view option, std::string_view text) {
  const std::string value = lower_trimmed(text);
  for (std::string_view b : kBooleanOptions) {
    if (option != b) continue;
    if (value == "false" || value == "0" || value == "no" || value == "off") {
      return std::string(option) + " stays the string '" + std::string(text) +
             "', which is truthy: the option is ON (engine_from_config coerces only pool_size, max_overflow, "
             "pool_timeout, pool_recycle, echo, echo_pool and future)";
    }
    return "";
  }
  if (option == "poolclass") {
    return "the engine cannot be created: poolclass stays the string '" + std::string(text) +
           "' (AttributeError: 'str' object has no attribute '__dict__'); pass poolclass= as a keyword";
  }
  if (option == "connect_args") {
    return "the engine cannot be created: connect_args stays a string, which create_engine() cannot merge into the "
           "driver's arguments (ValueError: dictionary update sequence element #0 has length 1; 2 is required); "
           "pass connect_args= as a keyword";
  }
  return "";
}

/// Configuration entries written in code: engine_from_config()'s mapping, Flask-SQLAlchemy's config.
void check_code(const sqla::ProjectFacts& facts, core::Sink& out) {
  for_each_config(facts, [&](const sqla::EngineSite& site, const sqla::EngineConfig& config) {
    if (!sqla::is_from_config(site.factory) && !site.flask_sqlalchemy) return;
    for (const py::Argument& arg : config.keywords) {
      if (config.arg(arg.name) != &arg) continue;  // overridden by a later keyword
      if (!site.flask_sqlalchemy && arg.via != "configuration") continue;
      const py::Value& v = *arg.value;
      if (v.kind != py::ValueKind::kString || v.partial) continue;
      std::string message = problem(arg.name, v.text);
      if (message.empty()) continue;
      core::Finding& f = report_engine(out, site, config, std::move(message));
      note_argument(f, arg, show(arg) + " given here");
    }
  });
}

/// `<prefix><option> = value` in an ini file that an engine_from_config() call reads at run time
/// (alembic.ini for Alembic's env.py, a Pyramid-style ini for the application's calls).
void check_ini(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::IniFile& ini : facts.ini_files) {
    for (const sqla::IniEntry& entry : ini.entries) {
      for (const sqla::FileFacts& file : facts.files) {
        if (file.is_alembic_env != ini.is_alembic) continue;
        bool reported = false;
        for (const sqla::EngineSite& site : file.engines) {
          for (const sqla::EngineConfig& config : site.configs) {
            if (reported || !config.runtime_configuration || !config.config_prefix) continue;
            const std::string& prefix = *config.config_prefix;
            if (prefix.empty() || entry.key.rfind(prefix, 0) != 0) continue;
            const std::string option = entry.key.substr(prefix.size());
            std::string message = problem(option, entry.value);
            // A keyword of the call wins over the ini; an unresolved `**kwargs` might carry it.
            if (message.empty() || !config.call_complete || config.arg(option)) continue;
            core::Finding& f = out.report(entry.where, std::move(message));
            f.notes.push_back(core::Note{site.where, "read by " + site.callee + "() here"});
            reported = true;
          }
        }
        if (reported) break;
      }
    }
  }
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  check_code(facts, out);
  check_ini(facts, out);
}

}  // namespace

extern const Rule kPA116{
    {"PA116", "ini-string-options", core::Severity::kWarning, true,
     "Engine options from an ini file or configuration mapping that stay "
     "strings: 'false' is truthy, a "
     "poolclass string crashes",
     "**Why.** `engine_from_config()` (Alembic's env.py, Pyramid, "
     "Flask-SQLAlchemy 3) passes the mapping's values "
     "to `create_engine()` unchanged except for `pool_size`, `max_overflow`, "
     "`pool_timeout`, `pool_recycle`, "
     "`echo`, `echo_pool` and `future`. So `sqlalchemy.pool_pre_ping = false` "
     "or `pool_use_lifo = false` is the "
     "string `'false'`, which is truthy: the feature is turned **on**. "
     "`sqlalchemy.poolclass = NullPool` fails "
     "with `AttributeError: 'str' object has no attribute '__dict__'`, and a "
     "`connect_args` string cannot be "
     "merged into the driver's arguments. Flask-SQLAlchemy's "
     "`SQLALCHEMY_ENGINE_OPTIONS` values read from "
     "environment variables are strings too.\n\n"
     "**Example.**\n```ini\n[alembic]\nsqlalchemy.url = "
     "postgresql://app@db/app\nsqlalchemy.pool_pre_ping = "
     "false\n```\n\n"
     "**Fix.** Leave the option out instead of writing `false`; pass classes "
     "and dicts as keyword arguments "
     "(`engine_from_config(config, prefix=\"sqlalchemy.\", "
     "poolclass=NullPool)`): keywords override the mapping.\n\n"
     "**Not reported when** the same option is passed as a keyword to the call "
     "that reads the mapping, the "
     "value is a true-looking string (it works by accident), or the key is one "
     "that is coerced.",
     "Remove the string option, or pass the value as a keyword argument of "
     "engine_from_config()",
     kEverywhere,
     "The string option misconfigures the engine wherever it runs: every "
     "role.",
     "Proven by the oracle on SQLAlchemy 1.4.46, Alembic 1.8.1 and "
     "PostgreSQL 15: with `sqlalchemy.poolclass = sqlalchemy.pool.NullPool` "
     "in alembic.ini the upgrade fails with `AttributeError: 'str' object "
     "has no attribute '__dict__'`; with `poolclass=pool.NullPool` passed to"
     " engine_from_config() it migrates. With `sqlalchemy.pool_pre_ping = "
     "false` in a Pyramid ini, a pooled connection the server dropped is "
     "replaced on checkout (the ping ran); without the line the next query "
     "fails with OperationalError. The coerced keys: "
     "lib/sqlalchemy/engine/default.py:183-193@rel_2_0_52."},
    check};

}  // namespace rules
