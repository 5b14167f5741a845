// The table of output formats: one place to add a format, so the CLI check and the dispatch agree.
#include <array>
#include <utility>

#include "report/reporter.h"

namespace report {
namespace {

using Writer = void (*)(const core::Report&, std::ostream&);
constexpr std::array<std::pair<std::string_view, Writer>, 5> kWriters = {{
    {"markdown", write_markdown},
    {"json", write_json},
    {"sarif", write_sarif},
    {"github", write_github},
    {"gitlab", write_gitlab},
}};

}  // namespace

bool known_format(std::string_view format) {
  if (format == "text") return true;
  for (const auto& [name, writer] : kWriters) {
    if (name == format) return true;
  }
  return false;
}

bool write_format(std::string_view format, const core::Report& report, std::ostream& out) {
  for (const auto& [name, writer] : kWriters) {
    if (name == format) {
      writer(report, out);
      return true;
    }
  }
  return false;
}

}  // namespace report
