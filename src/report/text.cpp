#include <string>

#include "core/printable.h"
#include "report/excerpt.h"
#include "report/reporter.h"

namespace report {
namespace {

struct Colors {
  bool on;
  const char* code(const char* c) const { return on ? c : ""; }
  const char* bold() const { return code("\033[1m"); }
  const char* reset() const { return code("\033[0m"); }
  const char* dim() const { return code("\033[2m"); }
  const char* severity(core::Severity s) const {
    switch (s) {
      case core::Severity::kError: return code("\033[1;31m");
      case core::Severity::kWarning: return code("\033[1;33m");
      case core::Severity::kInfo: return code("\033[1;36m");
    }
    return "";
  }
};

/// The raw source line a finding points at, when the run collected it (not with --concise).
const std::string* source_line(const core::Report& report, const core::Finding& f) {
  const auto file = report.source_lines.find(f.where.path);
  if (file == report.source_lines.end()) return nullptr;
  const auto line = file->second.find(f.where.range.begin.line);
  return line == file->second.end() ? nullptr : &line->second;
}

/// The finding carries a fix that --fix applies (unsafe ones with --unsafe-fixes).
bool applicable(const core::Finding& f, bool unsafe_fixes) {
  return f.autofix && (unsafe_fixes || f.autofix->applicability == core::Applicability::kSafe);
}

void write_finding(const core::Finding& f, const std::string* line, const Colors& c, bool unsafe_fixes,
                   std::ostream& out) {
  const auto& b = f.where.range.begin;
  out << c.bold() << f.where.path << ":" << b.line << ":" << b.column << ":" << c.reset() << " "
      << c.severity(f.severity) << core::severity_name(f.severity) << ":" << c.reset() << " " << f.message
      << " [" << f.code << "]" << (applicable(f, unsafe_fixes) ? " [*]" : "") << "\n";
  if (line && f.where.valid()) {
    const core::SourceRange& r = f.where.range;
    const uint32_t end = r.end.line == r.begin.line ? r.end.column : 0;  // 0: to the end of the line
    out << render_excerpt(*line, b.line, b.column, end,
                          ExcerptColors{c.code("\033[1;34m"), c.severity(f.severity), c.reset()});
  }
  for (const core::Note& n : f.notes) {
    out << "  " << c.bold() << n.where.path << ":" << n.where.range.begin.line << ":"
        << n.where.range.begin.column << ":" << c.reset() << " note: " << n.message << "\n";
  }
  if (!f.fix.empty()) out << "  " << c.dim() << "fix: " << f.fix << c.reset() << "\n";
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// "0 info", "1 info", "2 info": like ruff and mypy, "info" is not counted in the plural.
std::string count_info(size_t n) { return std::to_string(n) + " info"; }

}  // namespace

void write_text(const core::Report& raw, const TextStyle& style, std::ostream& out) {
  const core::Report report =
      core::printable_report(raw);  // nothing from the project reaches the terminal raw
  const Colors c{style.color};
  bool printed = !report.diagnostics.empty();
  auto line_of = [&](const core::Finding& f) { return style.concise ? nullptr : source_line(report, f); };
  for (const core::Finding& d : report.diagnostics) write_finding(d, line_of(d), c, style.unsafe_fixes, out);
  size_t fixable = 0;
  size_t hidden = 0;  // unsafe fixes --unsafe-fixes would enable
  for (const core::Finding& f : report.findings) {
    if (f.suppressed) continue;
    write_finding(f, line_of(f), c, style.unsafe_fixes, out);
    printed = true;
    if (applicable(f, style.unsafe_fixes)) ++fixable;
    else if (f.autofix) ++hidden;
  }
  if (!style.quiet) {
    out << (printed ? "\n" : "") << c.bold() << report.tool << " "
        << report.version << " audit of " << report.root << c.reset() << " ("
        << plural(report.summary.files, "file");
    const std::string roles = core::role_breakdown(report.summary);
    if (!roles.empty())
      out << ": " << roles;
    out << ")\n";
    out << "\n" << c.bold() << "Checks" << c.reset() << "\n";
    for (const core::Check& check : report.checks) {
      const char* mark = check.status == core::CheckStatus::kPass   ? "PASS"
                         : check.status == core::CheckStatus::kFail ? "FAIL"
                                                                    : "N/A ";
      const char* color = check.status == core::CheckStatus::kPass   ? c.code("\033[32m")
                          : check.status == core::CheckStatus::kFail ? c.code("\033[31m")
                                                                     : c.dim();
      out << "  " << color << mark << c.reset() << "  " << check.title;
      if (!check.detail.empty()) out << c.dim() << " (" << check.detail << ")" << c.reset();
      out << "\n";
    }
    const core::DeploymentContext& dep = report.deployment;
    if (!dep.empty()) {
      out << "\n" << c.bold() << "Deployment context" << c.reset() << "\n";
      out << "  platform: " << (dep.platform.empty() ? "unknown (no deployment files found)" : dep.platform) << "\n";
      const std::pair<const char*, const std::vector<core::DeploymentEntry>*> groups[] = {
          {"evidence", &dep.evidence}, {"process", &dep.processes}, {"pooler", &dep.poolers},
          {"target", &dep.versions}, {"budget", &dep.budget}};
      for (const auto& [label, entries] : groups) {
        for (const core::DeploymentEntry& e : *entries) {
          out << "  " << label << ": " << e.text;
          if (e.where.valid()) out << c.dim() << " (" << e.where.path << ":" << e.where.range.begin.line << ")" << c.reset();
          out << "\n";
        }
      }
      for (const core::ServiceContext& s : dep.services) {
        out << "  service " << s.path << c.dim() << " (" << s.markers << ")" << c.reset() << ": "
            << (s.platform.empty() ? "platform unknown" : s.platform);
        for (const core::DeploymentEntry& v : s.versions) out << "; " << v.text;
        if (!s.dialect.empty()) out << "; database " << s.dialect;
        out << "\n";
        for (const core::DeploymentEntry& p : s.processes) {
          out << "    process: " << p.text;
          if (p.where.valid()) out << c.dim() << " (" << p.where.path << ":" << p.where.range.begin.line << ")" << c.reset();
          out << "\n";
        }
      }
    }
    const core::Inventory& inv = report.inventory;
    if (!inv.engines.empty() || !inv.session_factories.empty() || !inv.session_providers.empty() ||
        !inv.alembic_envs.empty()) {
      out << "\n" << c.bold() << "Inventory" << c.reset() << "\n";
    }
    for (const core::InventoryEngine& e : inv.engines) {
      out << "  engine " << e.where.path << ":" << e.where.range.begin.line << " " << e.factory;
      if (!e.name.empty()) out << " " << e.name;
      if (!e.function.empty()) out << " in " << e.function << "()";
      if (!e.backend.empty()) out << " [" << e.backend << "]";
      if (!e.url.empty()) out << " " << e.url;
      out << "\n";
      for (const core::InventoryConfig& ic : e.configs) {
        out << "    " << (ic.branch.empty() ? "" : "when " + ic.branch + ": ") << "pool " << ic.pool;
        if (!ic.pool_source.empty()) out << " (" << ic.pool_source << ")";
        std::string opts;
        for (const auto& [k, v] : ic.options) opts += (opts.empty() ? "" : ", ") + k + "=" + v;
        if (!ic.complete) opts += opts.empty() ? "..." : ", ...";
        if (!opts.empty()) out << "; " << opts;
        out << "\n";
      }
    }
    for (const core::InventorySessionFactory& s : inv.session_factories) {
      out << "  session factory " << s.where.path << ":" << s.where.range.begin.line << " " << s.factory;
      if (!s.name.empty()) out << " " << s.name;
      if (!s.bind.empty()) out << " bind=" << s.bind;
      if (!s.teardown.empty()) out << " (" << s.teardown << ")";
      out << "\n";
    }
    for (const core::InventorySessionProvider& p : inv.session_providers) {
      out << "  session provider " << p.where.path << ":" << p.where.range.begin.line << " " << p.function << "() "
          << p.kind << " yields a " << p.object << ", closed: " << p.closes;
      if (!p.closed_at.empty()) out << " (" << p.closed_at << ")";
      out << "\n";
    }
    for (const core::InventoryAlembicEnv& a : inv.alembic_envs) {
      out << "  alembic env " << a.where.path << ":" << a.where.range.begin.line;
      out << (a.engine.empty() ? " (connection handed in)" : " " + a.engine + " pool " + a.pool) << "\n";
    }
  }
  const core::Summary& s = report.summary;
  // Quiet and clean: the summary line alone, without a blank line before it.
  out << (printed || !style.quiet ? "\n" : "") << c.bold() << plural(s.errors, "error") << ", " << plural(s.warnings, "warning") << ", "
      << count_info(s.infos) << c.reset();
  if (s.suppressed) out << ", " << s.suppressed << " suppressed";
  if (s.baselined) out << " (" << s.baselined << " by the baseline)";
  out << " in " << plural(s.files, "file");
  if (s.skipped) out << " (" << s.skipped << " skipped)";
  out << "\n";
  // ruff's closing line: what --fix would do, and what --unsafe-fixes would add.
  const std::string hint = hidden == 0 ? "" : " (" + std::to_string(hidden) + " hidden " +
                                                  (hidden == 1 ? "fix" : "fixes") +
                                                  " can be enabled with --unsafe-fixes)";
  if (fixable > 0) {
    out << "[*] " << fixable << " fixable with --fix" << (style.unsafe_fixes ? " --unsafe-fixes" : "") << hint
        << "\n";
  } else if (hidden > 0) {
    out << "No fixes available" << hint << "\n";
  }
}

}  // namespace report
