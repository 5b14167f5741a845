// pgbouncer.ini: the pooler's listen port, address and pool mode.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/helpers.h"

namespace sqla::deploy {
namespace {

using core::lower;

bool is_pgbouncer_ini(std::string_view name, std::string_view) { return name == "pgbouncer.ini"; }

void read_pgbouncer_ini(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>&) {
  PoolerEndpoint p;
  p.port = 6432;
  p.where = core::Location{source.path(), {{1, 1}, {1, 1}}};
  std::string section;
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string t = trim(source.line_text(line));
    if (t.empty() || t[0] == ';' || t[0] == '#') continue;
    if (t[0] == '[') {
      section = lower(t.substr(1, t.find(']') - 1));
      continue;
    }
    if (section != "pgbouncer") continue;
    const size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = lower(trim(t.substr(0, eq)));
    const std::string value = trim(t.substr(eq + 1));
    if (key == "listen_port") {
      if (auto port = to_int(value)) p.port = *port;
      p.where = line_location(source.path(), line, source.line_text(line));
    } else if (key == "pool_mode") {
      p.mode = lower(value);
    } else if (key == "listen_addr" && value != "*" && value != "0.0.0.0") {
      p.host = value;
    }
  }
  out.poolers.push_back(std::move(p));
}

}  // namespace

extern const DeploymentFormat kPgbouncerIni{"pgbouncer.ini", Describes::kSurroundings,
    is_pgbouncer_ini, nullptr, nullptr, read_pgbouncer_ini};

}  // namespace sqla::deploy
