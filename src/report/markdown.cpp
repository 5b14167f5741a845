// GitHub-flavoured Markdown, meant to be pasted into a pull request or appended to
// $GITHUB_STEP_SUMMARY. Every string from the report goes through code() or text() so that a
// `|`, a backtick or a `**kwargs` in a message can neither break a table nor start emphasis.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "core/printable.h"
#include "report/reporter.h"
#include "report/uri.h"

namespace report {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

/// A code span that shows `s` verbatim: the fence is one backtick longer than the longest run
/// inside, and a leading/trailing backtick is padded so it is not read as part of the fence.
/// In a table, `|` is escaped (GFM splits cells before it parses code spans).
std::string code(std::string_view s, bool in_table) {
  if (s.empty()) return "—";
  size_t longest = 0;
  for (size_t i = 0; i < s.size();) {
    size_t run = 0;
    while (i + run < s.size() && s[i + run] == '`') ++run;
    longest = std::max(longest, run);
    i += run == 0 ? 1 : run;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = s.front() == '`' || s.back() == '`';
  std::string out = fence + (pad ? " " : "");
  for (char c : s) {
    if (c == '\n' || c == '\r')
      out += ' ';
    else if (c == '|' && in_table)
      out += "\\|";
    else
      out += c;
  }
  return out + (pad ? " " : "") + fence;
}

/// Prose written by rules: `code spans` they contain are kept, everything else is escaped so it
/// renders literally (an unmatched backtick, `*`, `_` at a word edge, `<`, `\`, and `|` in tables).
std::string text(std::string_view s, bool in_table) {
  if (s.empty()) return "—";
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '`') {
      size_t run = 0;
      while (i + run < s.size() && s[i + run] == '`') ++run;
      // A span closes at the next run of exactly the same length.
      size_t close = std::string_view::npos;
      for (size_t j = i + run; j < s.size();) {
        if (s[j] != '`') {
          ++j;
          continue;
        }
        size_t other = 0;
        while (j + other < s.size() && s[j + other] == '`') ++other;
        if (other == run) {
          close = j;
          break;
        }
        j += other;
      }
      if (close == std::string_view::npos) {
        for (size_t k = 0; k < run; ++k) out += "\\`";
        i += run;
        continue;
      }
      for (size_t k = i; k < close + run; ++k) {
        if (s[k] == '\n' || s[k] == '\r')
          out += ' ';
        else if (s[k] == '|' && in_table)
          out += "\\|";
        else
          out += s[k];
      }
      i = close + run;
      continue;
    }
    const bool edge =
        (i == 0 || !word_char(s[i - 1])) || (i + 1 == s.size() || !word_char(s[i + 1]));
    if (c == '\n' || c == '\r')
      out += in_table ? "<br>" : " ";
    else if (c == '|' && in_table)
      out += "\\|";
    else if (c == '\\' || c == '*' || c == '[' || c == ']' || (c == '_' && edge))
      (out += '\\') += c;
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
    ++i;
  }
  return out;
}

std::string at(const core::Location& where, bool with_column) {
  std::string s = where.path + ":" + std::to_string(where.range.begin.line);
  if (with_column) s += ":" + std::to_string(where.range.begin.column);
  return s;
}

/// A location as a code span, linked to the file at the audited commit when CI says where that is
/// (Report::blob_url). Paths outside the checkout (`../`, absolute) and escaped names stay plain.
std::string place(const core::Report& report, const core::Location& where, bool with_column, bool in_table) {
  const std::string shown = code(at(where, with_column), in_table);
  const std::string& path = where.path;
  if (report.blob_url.empty() || path.empty() || path.front() == '/' || path.rfind("../", 0) == 0 ||
      path.find('\\') != std::string::npos) {
    return shown;
  }
  std::string url = report.blob_url + uri_path(path);
  if (where.valid()) url += "#L" + std::to_string(where.range.begin.line);
  return "[" + shown + "](" + url + ")";
}

/// **PA101**, linked to the rule's page when there is one.
std::string rule_code(const core::Report& report, const std::string& code) {
  const std::string url = core::rule_doc_url(report.rule_docs_url, code);
  return url.empty() ? "**" + code + "**" : "**[" + code + "](" + url + ")**";
}

std::string count(size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

const char* status_mark(core::CheckStatus status) {
  switch (status) {
    case core::CheckStatus::kPass:
      return "✅ pass";
    case core::CheckStatus::kFail:
      return "❌ fail";
    case core::CheckStatus::kNotApplicable:
      return "➖ n/a";
  }
  return "➖ n/a";
}

void write_finding(const core::Report& report, const core::Finding& f, std::ostream& out) {
  out << "- " << place(report, f.where, true, false) << " " << rule_code(report, f.code) << " "
      << code(f.name, false) << ": " << text(f.message, false) << "\n";
  for (const core::Note& n : f.notes) {
    out << "  - " << place(report, n.where, true, false) << " " << text(n.message, false) << "\n";
  }
  if (!f.fix.empty()) out << "  - **Fix:** " << text(f.fix, false) << "\n";
}

void write_summary(const core::Report& report, std::ostream& out) {
  const core::Summary& s = report.summary;
  const char* mark = s.errors ? "❌" : s.warnings ? "⚠️" : s.infos ? "ℹ️" : "✅";
  out << mark << " **" << count(s.errors, "error", "errors") << ", "
      << count(s.warnings, "warning", "warnings") << ", " << s.infos << " info** in "
      << count(s.files, "file", "files");
  std::string extra;
  if (s.skipped) extra += count(s.skipped, "file", "files") + " skipped";
  if (s.suppressed)
    extra += (extra.empty() ? "" : ", ") + std::to_string(s.suppressed) + " suppressed";
  if (s.baselined) extra += ", " + std::to_string(s.baselined) + " by the baseline";
  if (!extra.empty()) out << " (" << extra << ")";
  out << "\n";
  const std::string roles = core::role_breakdown(s);
  if (!roles.empty())
    out << "\nFiles by role: " << roles << "\n";
}

void write_checks(const core::Report& report, std::ostream& out) {
  if (report.checks.empty()) return;
  out << "\n## Checks\n\n| Status | Check | Detail | Rules |\n| --- | --- | --- | --- |\n";
  for (const core::Check& c : report.checks) {
    std::string rules;
    for (const std::string& r : c.rules) rules += (rules.empty() ? "" : ", ") + r;
    out << "| " << status_mark(c.status) << " | " << text(c.title, true) << " | "
        << text(c.detail, true) << " | " << text(rules, true) << " |\n";
  }
}

void write_findings(const core::Report& report, std::ostream& out) {
  out << "\n## Findings\n\n";
  const struct {
    core::Severity severity;
    const char* heading;
  } kGroups[] = {{core::Severity::kError, "Errors"},
                 {core::Severity::kWarning, "Warnings"},
                 {core::Severity::kInfo, "Info"}};
  bool any = false;
  for (const auto& group : kGroups) {
    size_t n = 0;
    for (const core::Finding& f : report.findings)
      n += !f.suppressed && f.severity == group.severity;
    if (n == 0) continue;
    out << (any ? "\n" : "") << "### " << group.heading << " (" << n << ")\n\n";
    for (const core::Finding& f : report.findings) {
      if (!f.suppressed && f.severity == group.severity) write_finding(report, f, out);
    }
    any = true;
  }
  if (!any) out << "No findings.\n";
}

void write_diagnostics(const core::Report& report, std::ostream& out) {
  if (report.diagnostics.empty()) return;
  out << "\n## Diagnostics\n\nInput poolaudit could not fully audit:\n\n";
  for (const core::Finding& d : report.diagnostics) write_finding(report, d, out);
}

void write_inventory(const core::Report& report, std::ostream& out) {
  const core::Inventory& inv = report.inventory;
  out << "\n## Inventory\n";
  if (inv.engines.empty() && inv.session_factories.empty() && inv.session_providers.empty() &&
      inv.alembic_envs.empty()) {
    out << "\nNo engines, session factories or Alembic environments found.\n";
    return;
  }
  // Collapsed: a pull request comment leads with the findings; the inventory is there on demand.
  out << "\n<details><summary>" << count(inv.engines.size(), "engine", "engines") << ", "
      << count(inv.session_factories.size(), "session factory", "session factories") << ", "
      << count(inv.session_providers.size(), "session provider", "session providers") << ", "
      << count(inv.alembic_envs.size(), "Alembic environment", "Alembic environments")
      << "</summary>\n";
  if (!inv.engines.empty()) {
    // One row per configuration (branch combination); the engine's own cells only on its first row.
    out << "\n### Engines (" << inv.engines.size() << ")\n\n"
        << "| Location | Factory | Name | Backend | URL | Branch | Pool | Pool source | Options |\n"
        << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
    for (const core::InventoryEngine& e : inv.engines) {
      std::string name = e.name.empty() ? "" : code(e.name, true);
      if (!e.function.empty())
        name += (name.empty() ? "in " : " in ") + code(e.function + "()", true);
      const std::string engine_cells = place(report, e.where, false, true) + " | " +
                                       code(e.factory, true) + " | " + (name.empty() ? "—" : name) +
                                       " | " + code(e.backend, true) + " | " + code(e.url, true);
      const std::string blank = " |  |  |  | ";
      if (e.configs.empty()) out << "| " << engine_cells << " | — | — | — | — |\n";
      for (size_t i = 0; i < e.configs.size(); ++i) {
        const core::InventoryConfig& c = e.configs[i];
        std::string options;
        for (const auto& [k, v] : c.options)
          options += (options.empty() ? "" : " ") + code(k + "=" + v, true);
        if (!c.complete) options += options.empty() ? "… (not fully resolved)" : " …";
        out << "| " << (i == 0 ? engine_cells : blank) << " | "
            << (c.branch.empty() ? "always" : text(c.branch, true)) << " | " << code(c.pool, true)
            << " | " << text(c.pool_source, true) << " | " << (options.empty() ? "—" : options)
            << " |\n";
      }
    }
  }
  if (!inv.session_factories.empty()) {
    out << "\n### Session factories (" << inv.session_factories.size() << ")\n\n"
        << "| Location | Factory | Name | Bind | Teardown |\n| --- | --- | --- | --- | --- |\n";
    for (const core::InventorySessionFactory& s : inv.session_factories) {
      out << "| " << place(report, s.where, false, true) << " | " << code(s.factory, true) << " | "
          << code(s.name, true) << " | " << code(s.bind, true) << " | "
          << (s.teardown.empty() ? "—" : text(s.teardown, true)) << " |\n";
    }
  }
  if (!inv.session_providers.empty()) {
    out << "\n### Session providers (" << inv.session_providers.size() << ")\n\n"
        << "| Location | Function | Kind | Yields | Closed |\n| --- | --- | --- | --- | --- |\n";
    for (const core::InventorySessionProvider& p : inv.session_providers) {
      out << "| " << place(report, p.where, false, true) << " | " << code(p.function + "()", true) << " | "
          << text(p.kind, true) << " | " << p.object << " | " << text(p.closes, true)
          << (p.closed_at.empty() ? "" : " (" + code(p.closed_at, true) + ")") << " |\n";
    }
  }
  if (!inv.alembic_envs.empty()) {
    out << "\n### Alembic environments (" << inv.alembic_envs.size() << ")\n\n"
        << "| Location | Engine | Pool |\n| --- | --- | --- |\n";
    for (const core::InventoryAlembicEnv& a : inv.alembic_envs) {
      out << "| " << place(report, a.where, false, true) << " | "
          << (a.engine.empty() ? "connection handed in" : code(a.engine, true)) << " | "
          << text(a.pool, true) << " |\n";
    }
  }
  out << "\n</details>\n";
}

void write_deployment(const core::Report& report, std::ostream& out) {
  const core::DeploymentContext& dep = report.deployment;
  if (dep.empty()) return;
  out << "\n## Deployment context\n\n<details><summary>"
      << (dep.platform.empty() ? "Platform unknown" : text(dep.platform, false))
      << "</summary>\n\n| What | Found | Where |\n| --- | --- | --- |\n";
  out << "| Platform | " << (dep.platform.empty() ? "unknown (no deployment files found)" : text(dep.platform, true))
      << " | — |\n";
  const std::pair<const char*, const std::vector<core::DeploymentEntry>*> groups[] = {
      {"Evidence", &dep.evidence}, {"Process", &dep.processes}, {"Pooler", &dep.poolers},
      {"Target", &dep.versions}, {"Connection budget", &dep.budget}};
  for (const auto& [label, entries] : groups) {
    for (const core::DeploymentEntry& e : *entries) {
      out << "| " << label << " | " << text(e.text, true) << " | "
          << (e.where.valid() ? place(report, e.where, false, true) : "—") << " |\n";
    }
  }
  if (!dep.services.empty()) {
    out << "\n| Service | Platform | Processes | Versions | Database |\n| --- | --- | --- | --- | --- |\n";
    for (const core::ServiceContext& s : dep.services) {
      std::string processes;
      for (const core::DeploymentEntry& p : s.processes) {
        processes += (processes.empty() ? "" : "<br>") + text(p.text, true) +
                     (p.where.valid() ? " (" + place(report, p.where, false, true) + ")" : "");
      }
      std::string versions;
      for (const core::DeploymentEntry& v : s.versions) versions += (versions.empty() ? "" : "<br>") + text(v.text, true);
      out << "| " << code(s.path, true) << " (" << text(s.markers, true) << ") | "
          << (s.platform.empty() ? "unknown" : text(s.platform, true)) << " | " << (processes.empty() ? "—" : processes)
          << " | " << versions << " | " << (s.dialect.empty() ? "—" : text(s.dialect, true)) << " |\n";
    }
  }
  out << "\n</details>\n";
}

}  // namespace

void write_markdown(const core::Report& raw, const MarkdownStyle& style, std::ostream& out) {
  const core::Report report =
      core::printable_report(raw);  // no control character reaches the page or the log
  out << "# " << report.tool << " " << report.version << ": audit of " << code(report.root, false)
      << "\n\n";
  write_summary(report, out);
  if (!style.quiet) write_checks(report, out);
  write_findings(report, out);
  write_diagnostics(report, out);
  if (style.quiet) return;
  write_deployment(report, out);
  write_inventory(report, out);
}

void write_markdown(const core::Report& report, std::ostream& out) { write_markdown(report, {}, out); }

}  // namespace report
