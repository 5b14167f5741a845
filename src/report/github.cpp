// GitHub Actions workflow commands: one `::error file=...::message` line per finding, shown as an
// annotation on the pull request's diff. Paths must be relative to the repository root.
#include <string>

#include "core/printable.h"
#include "report/reporter.h"

namespace report {
namespace {

/// The runner splits a command at "::" and its properties at ',' and ':', and decodes %25, %0D, %0A
/// (and %3A, %2C in properties); escaping them keeps a message with a newline or URL intact.
std::string escape_data(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escape_property(const std::string& s) {
  std::string out;
  for (const char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

const char* command(core::Severity s) {
  switch (s) {
    case core::Severity::kError: return "error";
    case core::Severity::kWarning: return "warning";
    case core::Severity::kInfo: return "notice";
  }
  return "warning";
}

void annotate(const core::Finding& f, const std::string& docs_url, std::ostream& out) {
  out << "::" << command(f.severity) << " file=" << escape_property(f.where.path);
  const core::SourceRange& r = f.where.range;
  if (r.valid()) {
    out << ",line=" << r.begin.line << ",col=" << r.begin.column;
    if (r.end.line >= r.begin.line) out << ",endLine=" << r.end.line << ",endColumn=" << r.end.column;
  }
  out << ",title=" << escape_property(f.code + " " + f.name);
  std::string body = f.message;
  for (const core::Note& n : f.notes) {
    body += "\n  " + (n.where.valid() ? n.where.path + ":" + std::to_string(n.where.range.begin.line) + ": " : "") +
            n.message;
  }
  if (!f.fix.empty()) body += "\nFix: " + f.fix;
  if (const std::string url = core::rule_doc_url(docs_url, f.code); !url.empty()) body += "\nDocs: " + url;
  out << "::" << escape_data(body) << "\n";
}

}  // namespace

void write_github(const core::Report& raw, std::ostream& out) {
  // Control characters made visible first; escape_data() then keeps the notes' own line breaks.
  const core::Report report = core::printable_report(raw);
  for (const core::Finding& f : report.findings) {
    if (!f.suppressed) annotate(f, report.rule_docs_url, out);
  }
  for (const core::Finding& d : report.diagnostics) annotate(d, report.rule_docs_url, out);
}

}  // namespace report
