#include "sqla/deployment/helpers.h"

#include <charconv>

#include "core/text.h"

namespace sqla::deploy {

using core::dirname;

std::string trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<int> to_int(std::string_view s) {
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

core::Location line_location(const std::string& path, uint32_t line, std::string_view text) {
  return core::Location{path, {{line, 1}, {line, static_cast<uint32_t>(text.size() + 1)}}};
}

std::string at(const core::Location& where) { return where.path + ":" + std::to_string(where.range.begin.line); }

core::Finding config_problem(const core::Location& where, std::string message) {
  core::Finding f;
  f.code = "PA003";
  f.name = "configuration-problem";
  f.severity = core::Severity::kWarning;
  f.where = where;
  f.message = std::move(message);
  f.fix = "Fix the file's syntax";
  return f;
}

/// Long-running servers a platform file starts (Render, App Engine): server evidence.
void add_servers(DeploymentFacts& out, size_t before, const std::string& file, const std::string& platform) {
  for (size_t i = before; i < out.processes.size(); ++i) {
    out.servers.push_back(Evidence{file + " runs " + out.processes[i].server, out.processes[i].where, platform,
                                   dirname(out.processes[i].where.path)});
  }
}

}  // namespace sqla::deploy
