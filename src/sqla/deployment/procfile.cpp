// Procfile: process types and their commands; `web` is a server.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/command_line.h"
#include "sqla/deployment/helpers.h"

namespace sqla::deploy {
namespace {

using core::dirname;

bool is_procfile(std::string_view name, std::string_view) { return name == "procfile"; }

void read_procfile(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>&) {
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string_view text = source.line_text(line);
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos || trim(text).rfind('#', 0) == 0) continue;
    const std::string type = trim(text.substr(0, colon));
    const size_t before = out.processes.size();
    parse_command(text.substr(colon + 1), line_location(source.path(), line, text), out);
    if (type == "web" && out.processes.size() > before) {
      // `web: cd api && gunicorn app:app` deploys api/'s code: its service gets the evidence.
      out.servers.push_back(Evidence{"Procfile `web` process runs " + out.processes[before].server,
                                     line_location(source.path(), line, text), "Procfile", dirname(source.path()),
                                     out.processes[before].code_dir});
    }
  }
}

}  // namespace

extern const DeploymentFormat kProcfile{"Procfile", Describes::kService,
    is_procfile, nullptr, nullptr, read_procfile};

}  // namespace sqla::deploy
