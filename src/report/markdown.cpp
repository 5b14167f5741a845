#include "report/reporter.h"

namespace report {

void write_markdown(const core::Report& report, std::ostream& out) {
  out << "# poolaudit report\n\n";
  for (const core::Finding& f : report.findings) {
    out << "- `" << f.where.path << ":" << f.where.range.begin.line << "` " << f.code << " " << f.message << "\n";
  }
}

}  // namespace report
