// Shell scripts and systemd units: command lines that start servers.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/command_line.h"
#include "sqla/deployment/helpers.h"

namespace sqla::deploy {
namespace {

using core::dirname;

bool is_shell_script(std::string_view name, std::string_view) { return name.ends_with(".sh"); }

bool is_systemd_unit(std::string_view name, std::string_view) { return name.ends_with(".service"); }

/// Shell scripts and systemd units: every line may start a server.
void read_command_lines(const core::SourceFile& source, DeploymentFacts& out, bool systemd) {
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string_view text = source.line_text(line);
    std::string t = trim(text);
    if (t.empty() || t[0] == '#') continue;
    if (systemd) {
      if (t.starts_with("Environment=")) {
        for (const std::string& w : shell_words(t.substr(12))) {
          const size_t eq = w.find('=');
          if (eq != std::string::npos) {
            out.env.push_back(EnvVariable{w.substr(0, eq), w.substr(eq + 1), line_location(source.path(), line, text), false});
          }
        }
        continue;
      }
      if (!t.starts_with("ExecStart=")) continue;
      t = t.substr(10);
    }
    const size_t before = out.processes.size();
    parse_command(t, line_location(source.path(), line, text), out);
    if (systemd && out.processes.size() > before) {
      out.servers.push_back(Evidence{"the systemd unit runs " + out.processes[before].server,
                                     line_location(source.path(), line, text), "systemd", dirname(source.path())});
    }
  }
}

void read_shell_script(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>&) {
  read_command_lines(source, out, false);
}

void read_systemd_unit(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>&) {
  read_command_lines(source, out, true);
}

}  // namespace

extern const DeploymentFormat kShellScript{"shell script", Describes::kSurroundings,
    is_shell_script, nullptr, nullptr, read_shell_script};
extern const DeploymentFormat kSystemdUnit{"systemd unit", Describes::kSurroundings,
    is_systemd_unit, nullptr, nullptr, read_systemd_unit};

}  // namespace sqla::deploy
