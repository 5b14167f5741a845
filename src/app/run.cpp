#include "app/run.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/analyze.h"
#include "core/mask.h"
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

std::optional<core::Severity> threshold(const std::string& fail_on) {
  if (fail_on == "never") return std::nullopt;
  return core::parse_severity(fail_on);
}

/// Writes through a temporary file in the same directory and renames it over the target, so a
/// reader never sees half a report and a failed run leaves the old one in place.
bool write_atomically(const std::string& path, const std::string& content, std::string& error) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code status_ec;
  const fs::file_status status = fs::status(target, status_ec);
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    // /dev/null, /dev/stdout, a FIFO: write through it; renaming over it would replace the device.
    std::ofstream file(path, std::ios::binary);
    file << content;
    file.flush();
    if (!file) error = "cannot write " + path;
    return static_cast<bool>(file);
  }
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string temp = (dir / ("." + target.filename().string() + ".poolaudit-" + std::to_string(getpid()))).string();
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) {
      error = "cannot write " + path + ": cannot create a file in " + dir.string();
      return false;
    }
    file << content;
    file.flush();
    if (!file) {
      error = "cannot write " + path + ": write failed";
      std::remove(temp.c_str());
      return false;
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    std::remove(temp.c_str());
    error = "cannot write " + path + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace

const char* version() { return "poolaudit " POOLAUDIT_VERSION " (tree-sitter-python 0.25.0)"; }

int run(const Options& options, std::ostream& out, std::ostream& err, bool out_is_tty) {
  if (options.version) {
    out << version() << "\n";
    return kExitClean;
  }
  if (options.list_rules) {
    list_rules(out);
    return kExitClean;
  }
  if (!options.explain.empty()) {
    if (explain(options.explain, options.format == "markdown", out)) return kExitClean;
    err << "poolaudit: unknown rule: " << options.explain << " (see --list-rules)\n";
    return kExitUsage;
  }
  std::string error;
  if (!options.dump_facts.empty()) {
    if (dump_facts(options.dump_facts, out, error)) return kExitClean;
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
  if (!options.write_baseline.empty()) {
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
  // Last line of defence: no password leaves the process, whatever a rule wrote.
  const std::string text = core::mask_credentials(rendered.str());
  if (options.output.empty()) {
    out << text;
    out.flush();
    if (!out) {  // a full disk or a closed pipe: the report is incomplete, and the exit code says so
      err << "poolaudit: cannot write the report to standard output\n";
      return kExitUsage;
    }
  } else if (!write_atomically(options.output, text, error)) {
    err << "poolaudit: " << error << "\n";
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

}  // namespace app
