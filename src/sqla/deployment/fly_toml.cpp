// fly.toml (Fly.io): process commands and environment.
#include "sqla/deployment/format.h"

#include <toml++/toml.h>

#include <cmath>
#include <cstdint>
#include <optional>

#include "core/text.h"
#include "sqla/deployment/command_line.h"
#include "sqla/deployment/helpers.h"

namespace sqla::deploy {
namespace {

using core::dirname;

bool is_fly_toml(std::string_view name, std::string_view) { return name == "fly.toml"; }

/// An integer-valued TOML number. toml++'s `value<int64_t>()` casts a float to the integer type
/// before checking that it fits, which is undefined for `Y = 2E33` (a fuzz find): a float counts
/// only when it is whole and inside int64's range.
std::optional<int64_t> integer_value(const toml::node& v) {
  if (const auto* i = v.as_integer()) return i->get();
  if (const auto* f = v.as_floating_point()) {
    const double d = f->get();
    // 2^63 is exact as a double; every whole double in [-2^63, 2^63) fits in int64.
    if (std::isfinite(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == std::trunc(d)) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

void read_fly_toml(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>& diagnostics) {
  toml::table doc;
  try {
    doc = toml::parse(source.text(), source.path());
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    diagnostics.push_back(config_problem(
        core::Location{source.path(), {{static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)},
                                       {static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)}}},
        "cannot parse " + source.path() + ": " + std::string(e.description()) + "; its deployment settings are ignored"));
    return;
  }
  auto where_of = [&](const toml::node& n) {
    const auto& b = n.source().begin;
    return core::Location{source.path(), {{static_cast<uint32_t>(b.line), 1}, {static_cast<uint32_t>(b.line), 1}}};
  };
  auto command = [&](const toml::node& n) {
    std::string cmd;
    if (auto s = n.value<std::string>()) cmd = *s;
    else if (const auto* arr = n.as_array()) {
      for (const auto& w : *arr) {
        if (auto s2 = w.value<std::string>()) cmd += (cmd.empty() ? "" : " ") + ("'" + *s2 + "'");
      }
    }
    const size_t before = out.processes.size();
    if (!cmd.empty()) parse_command(cmd, where_of(n), out);
    for (size_t i = before; i < out.processes.size(); ++i) {
      out.servers.push_back(Evidence{"fly.toml runs " + out.processes[i].server, where_of(n), "Fly.io", dirname(source.path())});
    }
  };
  if (const auto* procs = doc["processes"].as_table()) {
    for (const auto& [name, cmd] : *procs) command(cmd);
  }
  if (const auto* exp = doc["experimental"].as_table()) {
    if (const auto* cmd = exp->get("cmd")) command(*cmd);
  }
  if (const auto* env = doc["env"].as_table()) {
    for (const auto& [k, v] : *env) {
      if (auto s = v.value<std::string>()) out.env.push_back(EnvVariable{std::string(k.str()), *s, where_of(v), false});
      else if (auto i = integer_value(v)) out.env.push_back(EnvVariable{std::string(k.str()), std::to_string(*i), where_of(v), false});
    }
  }
}

}  // namespace

extern const DeploymentFormat kFlyToml{"fly.toml", Describes::kService,
    is_fly_toml, nullptr, nullptr, read_fly_toml};

}  // namespace sqla::deploy
