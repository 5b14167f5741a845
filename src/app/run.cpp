#include "app/run.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

#include "app/analyze.h"
#include "app/diagnostics.h"
#include "app/output_file.h"
#include "app/walk.h"
#include "core/mask.h"
#include "core/printable.h"
#include "report/reporter.h"

#ifndef POOLAUDIT_VERSION
#define POOLAUDIT_VERSION "0.0.0"
#endif

namespace app {
namespace {

void list_rules(std::ostream& out) {
  for (const rules::Rule* r : rules::all_rules()) {
    out << r->info.code << "  " << r->info.name << "  " << core::severity_name(r->info.severity)
        << (r->info.default_on ? "" : " (opt-in)") << "  " << r->info.summary << "\n";
  }
}

bool explain(const std::string& code, bool markdown, std::ostream& out) {
  const rules::Rule* r = rules::find_rule(code);
  if (!r) return false;
  if (markdown) {
    report::write_rule_markdown(r->info, out);
    return true;
  }
  out << r->info.code << " " << r->info.name << " ("
      << core::severity_name(r->info.severity)
      << (r->info.default_on
              ? ", on by default"
              : ", opt-in: --select " + std::string(r->info.code))
      << ")\n\n"
      << r->info.summary << "\n\n"
      << r->info.explanation << "\n\n";
  out << "Roles: " << core::role_list(r->info.roles);
  if (!r->info.roles_reason.empty())
    out << ". " << r->info.roles_reason;
  out << "\n\nFix: " << r->info.fix << "\n";
  return true;
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

std::optional<core::Severity> threshold(const std::string& fail_on) {
  if (fail_on == "never") return std::nullopt;
  return core::parse_severity(fail_on);
}

}  // namespace

namespace {

/// Everything run() does; what it writes to `out` and `err` is masked by run() on the way out.
int run_unmasked(const Options& options, std::ostream& out, std::ostream& err, bool out_is_tty) {
  if (options.version) {
    out << version() << "\n";
    return kExitClean;
  }
  if (options.list_rules) {
    list_rules(out);
    return kExitClean;
  }
  if (options.explain.empty() &&
      std::find(options.given.begin(), options.given.end(), "explain") != options.given.end()) {
    err << "poolaudit: --explain needs a rule id (see --list-rules)\n";
    return kExitUsage;
  }
  if (!options.explain.empty()) {
    if (explain(options.explain, options.format == "markdown", out)) return kExitClean;
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
  if (options.fail_on != "never" && !core::parse_severity(options.fail_on)) {
    err << "poolaudit: --fail-on takes error, warning, info or never, not " << options.fail_on << "\n";
    return kExitUsage;
  }
  if (const auto problem = empty_rule_list(options)) {
    err << "poolaudit: " << *problem << "\n";
    return kExitUsage;
  }
  const std::optional<Settings> settings = resolve_settings(options, error);
  auto selected = settings ? settings_rules(*settings, error) : std::nullopt;
  if (!selected) {
    err << "poolaudit: " << error << "\n";
    return kExitUsage;
  }
  if (options.show_settings) {
    show_settings(*settings, *selected, out);
    return kExitClean;
  }
  auto report = analyze(settings->options, *selected, error, &*settings);
  if (!report) {
    err << "poolaudit: " << error << "\n";
    return kExitUsage;
  }
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
  std::ostringstream rendered;
  const bool to_terminal = options.output.empty() && out_is_tty;
  // no-color.org: NO_COLOR counts when set and not empty; an explicit --color always wins.
  const char* no_color = std::getenv("NO_COLOR");
  const bool color = options.color == "always" ||
                     (options.color == "auto" && to_terminal && (no_color == nullptr || *no_color == '\0'));
  if (options.format == "text") report::write_text(*report, report::TextStyle{color, options.quiet}, rendered);
  else report::write_format(options.format, *report, rendered);
  // Masked here too because -o writes the report to a file, not through run()'s choke point.
  const std::string text = core::mask_secrets(rendered.str());
  if (options.output.empty()) {
    out << text;
    out.flush();
    if (!out) {  // a full disk or a closed pipe: the report is incomplete, and the exit code says so
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
  if (options.exit_zero) return kExitClean;
  const auto limit = threshold(settings->options.fail_on);
  if (!limit) return kExitClean;
  for (const core::Finding& f : report->findings) {
    if (!f.suppressed && f.severity >= *limit) return kExitFindings;
  }
  return kExitClean;
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
  const int code = run_unmasked(options, out_buffer, err_buffer, out_is_tty);
  err << core::mask_secrets(err_buffer.str());
  err.flush();
  out << core::mask_secrets(out_buffer.str());
  out.flush();
  if (!out) {  // a full disk or a closed pipe: the output is incomplete, and the exit code says so
    err << "poolaudit: cannot write to standard output\n";
    return kExitUsage;
  }
  return code;
}

}  // namespace app
