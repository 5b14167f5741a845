// render.yaml (Render blueprints): start commands and environment.
#include "sqla/deployment/format.h"

#include "sqla/deployment/command_line.h"
#include "sqla/deployment/helpers.h"
#include "sqla/deployment/yaml_helpers.h"

namespace sqla::deploy {
namespace {

bool is_render(std::string_view name, std::string_view) { return name == "render.yaml" || name == "render.yml"; }

void read_render(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const YAML::Node services = doc["services"];
  if (!services || !services.IsSequence()) return;
  for (const auto& svc : services) {
    if (!svc.IsMap()) continue;
    const YAML::Node start = svc["startCommand"];
    const size_t before = out.processes.size();
    if (start && start.IsScalar()) parse_command(start.Scalar(), mark_location(path, start), out);
    add_servers(out, before, "render.yaml", "Render");
    const YAML::Node vars = svc["envVars"];
    if (!vars || !vars.IsSequence()) continue;
    for (const auto& v : vars) {
      if (v.IsMap() && v["key"] && v["value"] && v["value"].IsScalar()) {
        out.env.push_back(EnvVariable{scalar(v["key"]), v["value"].Scalar(), mark_location(path, v["value"]), false});
      }
    }
  }
}

}  // namespace

extern const DeploymentFormat kRender{"render.yaml", Describes::kService,
    is_render, read_render, nullptr, nullptr};

}  // namespace sqla::deploy
