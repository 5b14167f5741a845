// echo=True logs every statement with repr() of its parameters at INFO (passwords, tokens,
// personal data; e20), "debug" logs result rows as well. A value decided at run time
// (settings, environment, a condition) is configuration, not a hard-coded switch.
#include <array>

#include "core/text.h"
#include "rules/common.h"
#include "rules/rule.h"

namespace rules {
namespace {

bool echo_on(const py::Value& v) {
  if (v.overridable) return false;  // a settings or environment default is configuration
  if (v.kind == py::ValueKind::kBool) return v.boolean;
  return v.kind == py::ValueKind::kString && !v.partial && v.text == "debug";
}

/// The value is a literal written as the argument (or a constant's / dict entry's value), not a
/// fallback nested in another expression such as os.getenv("X", "debug").
bool written_directly(const py::Argument& arg) {
  const core::Location& origin = arg.value->origin;
  if (!origin.valid() || origin.path != arg.where.path) return true;
  const bool inside = arg.where.range.begin <= origin.range.begin && origin.range.end <= arg.where.range.end;
  return !inside || origin.range.end == arg.where.range.end;
}

/// A branch that only runs in development (`if settings.DEBUG:`) turns echo on on purpose.
bool development_branch(const std::string& branch) {
  static constexpr std::array<std::string_view, 6> kWords = {"debug", "dev", "echo", "verbose", "local", "test"};
  const std::string lower = core::lower(branch);
  for (std::string_view w : kWords) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts &file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      // Every branch reaching the call must turn echo on: otherwise a condition decides it.
      const py::Argument* echo = nullptr;
      bool hard_coded = !site.configs.empty();
      for (const sqla::EngineConfig& config : site.configs) {
        const py::Argument* a = config.arg("echo");
        if (!a || !echo_on(*a->value) || !written_directly(*a) || development_branch(config.branch)) {
          hard_coded = false;
          break;
        }
        if (!echo) echo = a;
      }
      if (!hard_coded) continue;
      const bool rows = echo->value->kind == py::ValueKind::kString;
      std::string message = std::string("every SQL statement is logged with its bound parameters") +
                            (rows ? " and result rows" : "") + " in every environment: " + show(*echo) +
                            " is hard-coded";
      // One finding per call: the branches do not matter when all of them log.
      core::Finding& f = out.report(site.where, std::move(message));
      note_argument(f, *echo, show(*echo) + " passed here");
    }
  }
}

}  // namespace

extern const Rule kPA112{
    {"PA112", "echo-hardcoded", core::Severity::kInfo, true,
     "echo=True or echo=\"debug\" written as a literal: SQL and bound "
     "parameters logged in production",
     "**Why.** `echo=True` makes the engine log every statement together with "
     "the `repr()` of its parameters "
     "(passwords, tokens, personal data end up in the logs), and "
     "`echo=\"debug\"` logs result rows too. Written "
     "as a literal it is on in production as well as in development.\n\n"
     "**Example.**\n```python\nengine = create_engine(url, echo=True)\n```\n\n"
     "**Not reported when** the value comes from settings or the environment "
     "(`echo=settings.DEBUG`, "
     "`echo=os.getenv(...)`), when a condition decides it (`echo=True if DEBUG "
     "else False`, or the call sits in an "
     "`if settings.debug:` branch), when it is False, or in test files and "
     "conftest.py.",
     "Take echo from settings (off by default), and set hide_parameters=True "
     "where statements are logged in "
     "production",
     core::role_bit(core::FileRole::kProduction) |
         core::role_bit(core::FileRole::kMigration),
     "Echo in a test, a tutorial (`docs_src/`, `examples/`) or a one-off "
     "script logs to a developer's console, which is what it is for; in the "
     "application and its migrations it logs bound parameters in production: "
     "production and migration files.",
     "Not run by the oracle: a logging choice, nothing fails."},
    check};

}  // namespace rules
