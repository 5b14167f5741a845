// app.yaml (Google App Engine): the entrypoint and env_variables.
#include "sqla/deployment/format.h"

#include "sqla/deployment/command_line.h"
#include "sqla/deployment/helpers.h"
#include "sqla/deployment/yaml_helpers.h"

namespace sqla::deploy {
namespace {

bool is_app_yaml(std::string_view name, std::string_view) { return name == "app.yaml" || name == "app.yml"; }

/// Google App Engine: `entrypoint: gunicorn -b :$PORT main:app`, `env_variables:`.
void read_app_yaml(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const size_t before = out.processes.size();
  if (const YAML::Node e = doc["entrypoint"]; e && e.IsScalar()) parse_command(e.Scalar(), mark_location(path, e), out);
  add_servers(out, before, "app.yaml", "App Engine");
  read_yaml_env(doc["env_variables"], path, out);
}

}  // namespace

extern const DeploymentFormat kAppYaml{"app.yaml", Describes::kService,
    is_app_yaml, read_app_yaml, nullptr, nullptr};

}  // namespace sqla::deploy
