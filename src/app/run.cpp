#include "app/run.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>

#include "app/analyze.h"
#include "app/config_tree.h"
#include "app/inputs.h"
#include "app/diagnostics.h"
#include "app/fix_run.h"
#include "app/unified_diff.h"
#include "app/output_file.h"
#include "app/rule_commands.h"
#include "app/walk.h"
#include "core/mask.h"
#include "core/printable.h"
#include "report/reporter.h"

#ifndef POOLAUDIT_VERSION
#define POOLAUDIT_VERSION "0.0.0"
#endif

namespace app {
namespace {

std::optional<core::Severity> threshold(const std::string& fail_on) {
  if (fail_on == "never") return std::nullopt;
  return core::parse_severity(fail_on);
}

/// The rule-docs-url for the commands that run before the settings do (--list-rules, --explain):
/// the configuration's when it can be read (a broken one is not their business), else the flag's.
std::string early_docs_url(const Options& options) {
  std::string ignored;
  const std::optional<Settings> settings = resolve_settings(options, ignored);
  return settings ? settings->options.rule_docs_url : options.rule_docs_url;
}

bool is_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

/// Colour in text output. An explicit --color decides. With auto, on standard output only:
/// FORCE_COLOR (force-color.org: any non-empty value) forces it, even over NO_COLOR, as that
/// standard's reference code does; NO_COLOR (no-color.org: any non-empty value) turns it off;
/// CLICOLOR_FORCE (bixense.com/clicolors: set and not "0") forces it unless NO_COLOR is set;
/// otherwise a terminal gets colour.
bool use_color(const Options& options, bool out_is_tty) {
  if (options.color != "auto") return options.color == "always";
  if (!options.output.empty()) return false;
  if (is_set("FORCE_COLOR")) return true;
  if (is_set("NO_COLOR")) return false;
  const char* clicolor_force = std::getenv("CLICOLOR_FORCE");
  if (is_set("CLICOLOR_FORCE") && std::string(clicolor_force) != "0") return true;
  return out_is_tty;
}

/// Where the audited files can be viewed at the audited commit, from the CI's own variables:
/// GitHub Actions (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA) or GitLab CI (CI_PROJECT_URL,
/// CI_COMMIT_SHA). "" elsewhere. Paths are relative to the working directory, the checkout's root
/// in both.
std::string ci_blob_url() {
  if (is_set("GITHUB_SERVER_URL") && is_set("GITHUB_REPOSITORY") && is_set("GITHUB_SHA")) {
    return std::string(std::getenv("GITHUB_SERVER_URL")) + "/" + std::getenv("GITHUB_REPOSITORY") + "/blob/" +
           std::getenv("GITHUB_SHA") + "/";
  }
  if (is_set("CI_PROJECT_URL") && is_set("CI_COMMIT_SHA")) {
    return std::string(std::getenv("CI_PROJECT_URL")) + "/-/blob/" + std::getenv("CI_COMMIT_SHA") + "/";
  }
  return "";
}

/// The exit code of a finished audit: 1 for an unsuppressed finding at or above the fail-on of its
/// file's settings (--fail-on for all), and for a file that cannot be parsed (PA001: like ruff, a
/// syntax error fails the run, since the broken part was not audited, unless that file's fail-on
/// is never); --exit-zero always passes.
int findings_exit_code(const Options& options, SettingsTree& tree, const core::Report& report) {
  if (options.exit_zero) return kExitClean;
  for (const core::Finding& d : report.diagnostics) {
    if (d.code == kSyntaxError.code && threshold(tree.for_file(d.where.path).options.fail_on)) return kExitFindings;
  }
  for (const core::Finding& f : report.findings) {
    const auto limit = threshold(tree.for_file(f.where.path).options.fail_on);
    if (limit && !f.suppressed && f.severity >= *limit) return kExitFindings;
  }
  return kExitClean;
}

/// A rule list given on the command line with an empty item (`--select ''`, `--select PA1,`):
/// most likely an unset shell variable, and silently running the default set would hide it.
std::optional<std::string> empty_rule_list(const Options& options) {
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"select", &options.select},
      {"ignore", &options.ignore},
      {"extend-select", &options.extend_select}};
  for (const auto& [name, ids] : lists) {
    const bool given =
        std::find(options.given.begin(), options.given.end(), name) != options.given.end();
    const bool blank = std::any_of(ids->begin(), ids->end(), [](const std::string& id) {
      return id.find_first_not_of(" \t") == std::string::npos;
    });
    if ((given && ids->empty()) || blank) {
      return std::string("--") + name + " needs rule ids, prefixes or ALL, not an empty value";
    }
  }
  return std::nullopt;
}

/// The PA002 diagnostics of paths named on the command line: those files were not audited at
/// all, so the run cannot pass (exit 2), whatever else it found.
std::vector<const core::Finding*> named_but_unread(const Options& options,
                                                   const core::Report& report) {
  std::set<std::string> named;
  for (const std::string& p : options.paths) {
    if (p != "-") named.insert(display_path(p));
  }
  std::vector<const core::Finding*> out;
  for (const core::Finding& d : report.diagnostics) {
    if (d.code == kUnreadable.code && named.count(d.where.path)) out.push_back(&d);
  }
  return out;
}

}  // namespace

namespace {

/// Everything run() does; what it writes to `out` and `err` is masked by run() on the way out. The
/// one exception is `source`: with `--fix -` the fixed source read from stdin goes back to the
/// editor as written (masking a URL's password there would overwrite the user's code with `***`).
int run_unmasked(const Options& options, std::ostream& out, std::ostream& err, bool out_is_tty,
                 std::optional<std::string>* source = nullptr) {
  if (options.version) {
    out << version() << "\n";
    return kExitClean;
  }
  if (options.list_rules) {
    if (options.format != "text" && options.format != "json") {
      err << "poolaudit: --list-rules prints text or json, not " << options.format << "\n";
      return kExitUsage;
    }
    list_rules(options.format == "json", early_docs_url(options), out);
    return kExitClean;
  }
  if (options.explain.empty() &&
      std::find(options.given.begin(), options.given.end(), "explain") != options.given.end()) {
    err << "poolaudit: --explain needs a rule id (see --list-rules)\n";
    return kExitUsage;
  }
  if (!options.explain.empty()) {
    if (explain_rule(options.explain, options.format == "markdown", early_docs_url(options), out)) {
      return kExitClean;
    }
    err << "poolaudit: unknown rule: " << options.explain << " (see --list-rules)\n";
    return kExitUsage;
  }
  std::string error;
  if (!options.dump_facts.empty()) {
    // The dump quotes source text (strings, URLs, names); it reaches a terminal like a report does.
    std::ostringstream dump;
    const bool dumped = dump_facts(options.dump_facts, dump, error);
    out << core::printable_lines(dump.str());
    if (dumped) return kExitClean;
    err << "poolaudit: " << error << "\n";
    return kExitUsage;
  }
  if (!report::known_format(options.format)) {
    err << "poolaudit: unknown format: " << options.format << " (text, markdown, json, sarif, github, gitlab)\n";
    return kExitUsage;
  }
  if (options.statistics && options.format != "text" && options.format != "json") {
    err << "poolaudit: --statistics prints text or json, not " << options.format << "\n";
    return kExitUsage;
  }
  if (options.fail_on != "never" && !core::parse_severity(options.fail_on)) {
    err << "poolaudit: --fail-on takes error, warning, info or never, not " << options.fail_on << "\n";
    return kExitUsage;
  }
  if (const auto problem = empty_rule_list(options)) {
    err << "poolaudit: " << *problem << "\n";
    return kExitUsage;
  }
  std::optional<SettingsTree> tree = SettingsTree::resolve(options, error);
  if (!tree) {
    err << "poolaudit: " << error << "\n";
    return kExitUsage;
  }
  if (options.show_settings) {
    if (show_path_settings(*tree, project_paths(options), out, error)) return kExitClean;
    err << "poolaudit: " << error << "\n";
    return kExitUsage;
  }
  const Settings* settings = &tree->project();
  std::vector<const rules::Rule*> ran;
  const std::vector<const rules::Rule*>* selected = &ran;
  const bool fixing = options.fix || options.diff || options.fix_only;
  if (fixing && !options.write_baseline.empty()) {
    err << "poolaudit: --write-baseline records findings; it does not combine with --fix or --diff\n";
    return kExitUsage;
  }
  std::optional<core::Report> report;
  // With --fix on stdin ("-"), standard output carries the fixed source: the report goes to stderr.
  bool source_on_stdout = false;
  if (fixing) {
    std::optional<FixOutcome> fixed = fix_project(settings->options, *tree, ran, error);
    if (!fixed) {
      err << "poolaudit: " << error << "\n";
      return kExitUsage;
    }
    for (const std::string& dropped : fixed->dropped) err << "poolaudit: " << dropped << "\n";
    const size_t applied = fixed->applied;
    if (options.diff) {
      for (const auto& [path, file] : fixed->changed) out << unified_diff(file.before, file.after, path);
      err << "poolaudit: " << (applied == 0 ? "no fixes" : "would fix " + std::to_string(applied) +
                                                              (applied == 1 ? " finding" : " findings"))
          << "\n";
      return fixed->changed.empty() ? kExitClean : kExitFindings;
    }
    if (!write_fixed_files(*fixed, error)) {
      err << "poolaudit: " << error << "\n";
      return kExitUsage;
    }
    const bool from_stdin = std::find(options.paths.begin(), options.paths.end(), "-") != options.paths.end();
    if (from_stdin) {
      // The editor's buffer comes back fixed, or unchanged when nothing applied.
      std::string text = fixed->stdin_text;
      for (const auto& [path, file] : fixed->changed) {
        if (file.from_stdin) text = file.after;
      }
      if (source) *source = std::move(text);
      else out << text;
      source_on_stdout = true;
    }
    err << "poolaudit: fixed " << applied << (applied == 1 ? " finding" : " findings") << " in "
        << fixed->changed.size() << (fixed->changed.size() == 1 ? " file" : " files") << "\n";
    if (options.fix_only) return kExitClean;
    report = std::move(fixed->report);
  } else {
    report = analyze(settings->options, *tree, ran, error);
  }
  if (!report) {
    err << "poolaudit: " << error << "\n";
    return kExitUsage;
  }
  std::ostream& report_out = source_on_stdout ? err : out;
  report->version = POOLAUDIT_VERSION;
  const std::vector<const core::Finding*> unread = named_but_unread(options, *report);
  if (!options.write_baseline.empty()) {
    if (!unread.empty()) {  // a baseline without that file's findings would hide them later
      err << "poolaudit: " << core::printable(unread.front()->where.path) << " was not audited ("
          << core::printable(unread.front()->message) << "); baseline not written\n";
      return kExitUsage;
    }
    size_t written = 0;
    if (!write_baseline(options.write_baseline, report->findings, written, error)) {
      err << "poolaudit: " << error << "\n";
      return kExitUsage;
    }
    out << "poolaudit: wrote " << written << (written == 1 ? " finding" : " findings") << " to the baseline "
        << options.write_baseline << "\n";
    return kExitClean;
  }
  for (const rules::Rule* r : *selected) report->rules.push_back(r->info);
  report->rule_docs_url = settings->options.rule_docs_url;
  std::ostringstream rendered;
  if (options.statistics) {
    report::write_statistics(*report, options.format == "json", rendered);
  } else if (options.format == "markdown") {
    report->blob_url = ci_blob_url();
    report::write_markdown(*report, report::MarkdownStyle{options.quiet}, rendered);
  } else if (options.format == "text") {
    report::write_text(*report,
                       report::TextStyle{use_color(options, out_is_tty && !source_on_stdout), options.quiet,
                                         options.concise, options.unsafe_fixes},
                       rendered);
  } else {
    report::write_format(options.format, *report, rendered);
  }
  // Masked here too because -o writes the report to a file, not through run()'s choke point.
  const std::string text = core::mask_secrets(rendered.str());
  if (options.output.empty()) {
    report_out << text;
    report_out.flush();
    if (!report_out) {  // a full disk or a closed pipe: the report is incomplete, and the exit code says so
      err << "poolaudit: cannot write the report to standard output\n";
      return kExitUsage;
    }
  } else if (!write_file_atomically(options.output, text, error)) {
    err << "poolaudit: " << error << "\n";
    return kExitUsage;
  }
  if (!unread.empty()) {
    for (const core::Finding* d : unread) {
      err << "poolaudit: " << core::printable(d->where.path)
          << " was not audited: " << core::printable(d->message) << "\n";
    }
    return kExitUsage;
  }
  return findings_exit_code(options, *tree, *report);
}

}  // namespace

const char* version() { return "poolaudit " POOLAUDIT_VERSION " (tree-sitter-python 0.25.0)"; }

int run(const Options& options, std::ostream& out, std::ostream& err, bool out_is_tty) {
  // Only compiled-in text (the rule documentation shows example credentials on purpose).
  if (options.version || options.list_rules || !options.explain.empty()) {
    return run_unmasked(options, out, err, out_is_tty);
  }
  // The choke point: the report, --dump-facts, --show-settings, diagnostics and every error message
  // are buffered and leave the process through the one masker, whoever wrote them. The model masks
  // exact values earlier (a URL literal's password runs to its last '@'); this pass catches the rest.
  std::ostringstream out_buffer;
  std::ostringstream err_buffer;
  std::optional<std::string> source;
  const int code = run_unmasked(options, out_buffer, err_buffer, out_is_tty, &source);
  err << core::mask_secrets(err_buffer.str());
  err.flush();
  out << (source ? *source : core::mask_secrets(out_buffer.str()));
  out.flush();
  if (!out) {  // a full disk or a closed pipe: the output is incomplete, and the exit code says so
    err << "poolaudit: cannot write to standard output\n";
    return kExitUsage;
  }
  return code;
}

}  // namespace app
