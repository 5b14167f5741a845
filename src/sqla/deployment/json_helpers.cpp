#include "sqla/deployment/json_helpers.h"

namespace sqla::deploy {

core::Location json_key_location(const core::SourceFile& source, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string_view text = source.line_text(line);
    const size_t col = text.find(quoted);
    if (col != std::string_view::npos) {
      return core::Location{source.path(), {{line, static_cast<uint32_t>(col + 1)}, {line, static_cast<uint32_t>(col + 1)}}};
    }
  }
  return core::Location{source.path(), {{1, 1}, {1, 1}}};
}

void read_json_env(const nlohmann::json& env, const core::SourceFile& source, DeploymentFacts& out) {
  if (!env.is_object()) return;
  for (const auto& [k, v] : env.items()) {
    if (v.is_string()) out.env.push_back(EnvVariable{k, v.get<std::string>(), json_key_location(source, k), false});
  }
}

}  // namespace sqla::deploy
