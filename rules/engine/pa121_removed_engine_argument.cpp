// Checked in SQLAlchemy's engine/create.py and engine/default.py (2.0 series):
// - encoding, convert_unicode, case_sensitive: no longer parameters of any component, so the
//   leftover-kwargs check raises TypeError("Invalid argument(s) ... sent to create_engine()").
// - strategy: popped first; "mock" is a deprecated alias of create_mock_engine(), anything else
//   raises ArgumentError("unknown strategy: ...") (1.4 and 2.0).
// - future: 2.0 raises ArgumentError unless it is true.
// - empty_in_strategy, implicit_returning: still accepted with a deprecation warning and ignored.
#include <array>

#include "rules/common.h"
#include "rules/fixes.h"
#include "rules/rule.h"

namespace rules {
namespace {

constexpr std::array<std::string_view, 3> kRemoved = {"encoding", "convert_unicode", "case_sensitive"};

bool is_false(const py::Value& v) {
  return (v.kind == py::ValueKind::kBool || v.kind == py::ValueKind::kInt) && v.truthy() == false;
}

/// The keyword is given its SQLAlchemy 1.x default (1.3's DefaultDialect.__init__: encoding="utf-8",
/// convert_unicode=False, case_sensitive=True, empty_in_strategy="static", a no-op from 1.4;
/// create_engine's future=False, and 1.3 has no `future`): deleting it changes nothing on 1.x and
/// removes the failure or the deprecation warning on 2.0.
bool keeps_1x_default(const py::Argument& a) {
  const py::Value& v = *a.value;
  if (a.name == "future" || a.name == "convert_unicode") return is_false(v);
  if (a.name == "case_sensitive") return (v.kind == py::ValueKind::kBool || v.kind == py::ValueKind::kInt) && v.truthy();
  if (a.name == "encoding") return v.kind == py::ValueKind::kString && !v.partial && v.text == "utf-8";
  if (a.name == "empty_in_strategy") return v.kind == py::ValueKind::kString && !v.partial && v.text == "static";
  return false;
}

struct Problem {
  std::string message;
  bool breaks_on_2 = false;   ///< raises at start-up on 2.0
  bool breaks_on_14 = false;  ///< raises at start-up on 1.4 already
  bool deletable = true;      ///< deleting the keyword is the fix (not for strategy='mock')
  std::vector<const py::Argument*> args;
};

void check(const sqla::ProjectFacts& facts, core::Sink& out) {
  for (const sqla::FileFacts& file : facts.files) {
    const std::optional<sqla::Version>& version = sqla::versions_of(facts, file).sqlalchemy;
    for (const sqla::EngineSite& site : file.engines) {
      for (const sqla::EngineConfig& config : site.configs) {
        std::vector<Problem> problems;
        Problem removed;
        std::vector<std::string> names;
        for (std::string_view name : kRemoved) {
          if (const py::Argument* a = config.arg(name)) {
            removed.args.push_back(a);
            names.push_back(a->name);
          }
        }
        if (!names.empty()) {
          removed.message = "create_engine() raises TypeError on SQLAlchemy 2.0: \"Invalid argument(s) " +
                            quoted_list(names) + " sent to create_engine()\" (" +
                            (names.size() == 1 ? "this keyword was" : "these keywords were") + " removed in 2.0)";
          removed.breaks_on_2 = true;
          problems.push_back(std::move(removed));
        }
        if (const py::Argument* a = config.arg("strategy")) {
          const py::Value& v = *a->value;
          if (v.kind == py::ValueKind::kString && !v.partial) {
            Problem p;
            p.args.push_back(a);
            p.deletable = false;  // a mock engine is create_mock_engine(), not a keyword fewer
            if (v.text == "mock") {
              p.message = "strategy='mock' is deprecated since SQLAlchemy 1.4: call create_mock_engine() instead";
            } else {
              p.message = "create_engine() raises \"ArgumentError: unknown strategy: '" + v.text +
                          "'\" on SQLAlchemy 1.4 and 2.0: engine strategies were removed in 1.4";
              p.breaks_on_2 = p.breaks_on_14 = true;
            }
            problems.push_back(std::move(p));
          }
        }
        if (const py::Argument* a = config.arg("future"); a && is_false(*a->value)) {
          Problem p;
          p.args.push_back(a);
          p.message = "create_engine() raises on SQLAlchemy 2.0: \"ArgumentError: The 'future' parameter passed to "
                      "create_engine() may only be set to True.\"";
          p.breaks_on_2 = true;
          problems.push_back(std::move(p));
        }
        for (std::string_view name : {std::string_view("empty_in_strategy"), std::string_view("implicit_returning")}) {
          if (const py::Argument* a = config.arg(name)) {
            Problem p;
            p.args.push_back(a);
            p.message = show(*a) + " is ignored on SQLAlchemy 2.0 (a deprecated no-op" +
                        (name == "implicit_returning" ? std::string(": set Table.implicit_returning per table instead")
                                                      : std::string(" since 1.4")) +
                        ")";
            problems.push_back(std::move(p));
          }
        }
        for (const Problem& p : problems) {
          core::Finding& f = report_engine(out, site, config, p.message);
          if (version && ((p.breaks_on_2 && *version >= sqla::Version{2, 0, 0}) ||
                          (p.breaks_on_14 && *version >= sqla::Version{1, 4, 0}))) {
            f.severity = core::Severity::kError;
          }
          for (const py::Argument* a : p.args) note_argument(f, *a, show(*a) + " passed here");
          if (!p.deletable) continue;
          // On 2.0 the keyword only raises or is ignored: deleting it is safe when the project
          // targets 2.0; on 1.x `encoding` / `convert_unicode` / `implicit_returning` still act.
          const bool targets_2 = version && *version >= sqla::Version{2, 0, 0};
          f.autofix = engine_arguments_fix(facts, file, site, p.args, [&](const sqla::EngineConfig&, const py::Argument& a) {
            return targets_2 || keeps_1x_default(a);
          });
        }
      }
    }
  }
}

}  // namespace

extern const Rule kPA121{
    {"PA121", "removed-engine-argument", core::Severity::kWarning, true,
     "Engine keywords removed or neutered in SQLAlchemy 2.0 (TypeError / "
     "ArgumentError at start-up)",
     "**Why.** SQLAlchemy 2.0 dropped several `create_engine()` keywords. "
     "`encoding`, `convert_unicode` and "
     "`case_sensitive` are consumed by no component any more, so "
     "`create_engine()` raises\n"
     "`TypeError: Invalid argument(s) 'encoding' sent to create_engine(), "
     "using configuration ...`. "
     "`strategy=` other than `'mock'` raises `ArgumentError: unknown strategy` "
     "(since 1.4), and `future=False` raises "
     "`ArgumentError: The 'future' parameter passed to create_engine() may "
     "only be set to True.` "
     "`empty_in_strategy` and `implicit_returning` are still accepted but "
     "ignored, with a deprecation warning "
     "(`implicit_returning=False` no longer disables RETURNING). Reported as "
     "an error when the project targets "
     "a version where the keyword fails.\n\n"
     "**Example.**\n```python\nengine = create_engine(url, encoding=\"utf8\", "
     "convert_unicode=True)\n```\n\n"
     "**Not reported when** `future=True`, or when the keyword sits in a dict "
     "that cannot be resolved.",
     "Remove the keyword (set the client encoding through the URL or "
     "connect_args; use create_mock_engine() for "
     "strategy='mock')",
     kEverywhere,
     "The engine call fails on SQLAlchemy 2.0 wherever it runs: every role.",
     "Not proven by the oracle: the keywords were removed in SQLAlchemy 2.0 "
     "and Debian ships 1.4.46, which accepts them. Verified from source: on "
     "2.0 a keyword nobody consumes makes create_engine() raise TypeError "
     "(lib/sqlalchemy/engine/create.py:719-732@rel_2_0_52).",
     core::FixAvailability::kSometimes,
     "safe when the keyword is written at the engine call (or in a dict only that call reads: "
     "`OPTS = {...}` read by nothing but its `**OPTS`, in a module no other file imports) and either "
     "the project targets SQLAlchemy 2.0 (its dependency files or `sqlalchemy-version`), where it "
     "only raises or is ignored, or it is given its 1.x default (`encoding=\"utf-8\"`, "
     "`convert_unicode=False`, `case_sensitive=True`, `empty_in_strategy=\"static\"`, "
     "`future=False`), which no version misses. "
     "Unsafe when the target version is not known or older and the value is not the default (1.4 "
     "still honours `encoding`, `convert_unicode` and `implicit_returning`), or the keyword comes "
     "from a dict other code reads or through a project wrapper (the edit is made there). None for `strategy=` (a mock engine is "
     "`create_mock_engine()`) and for keywords written in another file."},
    check};

}  // namespace rules
