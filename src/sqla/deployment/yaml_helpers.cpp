#include "sqla/deployment/yaml_helpers.h"

namespace sqla::deploy {

core::Location mark_location(const std::string& path, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return core::Location{path, {{1, 1}, {1, 1}}};
  const auto line = static_cast<uint32_t>(m.line + 1);
  const auto col = static_cast<uint32_t>(m.column + 1);
  return core::Location{path, {{line, col}, {line, col}}};
}

std::string scalar(const YAML::Node& node) {
  if (!node || !node.IsScalar()) return {};
  return node.Scalar();
}

void read_yaml_env(const YAML::Node& env, const std::string& path, DeploymentFacts& out) {
  if (!env) return;
  if (env.IsMap()) {
    for (const auto& kv : env) {
      if (!kv.first.IsScalar()) continue;
      // CloudFormation `!Ref X` / `!Sub ...` values are not literals: not a value the code gets.
      if (!kv.second.IsScalar() || (kv.second.Tag() != "?" && kv.second.Tag() != "!" && !kv.second.Tag().empty())) continue;
      out.env.push_back(EnvVariable{kv.first.Scalar(), kv.second.Scalar(), mark_location(path, kv.second), false});
    }
  } else if (env.IsSequence()) {
    for (const auto& item : env) {
      const std::string s = scalar(item);
      const size_t eq = s.find('=');
      if (eq == std::string::npos) continue;
      out.env.push_back(EnvVariable{s.substr(0, eq), s.substr(eq + 1), mark_location(path, item), false});
    }
  }
}

}  // namespace sqla::deploy
