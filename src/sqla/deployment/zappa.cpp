// zappa_settings.json / .yml: every stage deploys to AWS Lambda.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/json_helpers.h"
#include "sqla/deployment/yaml_helpers.h"

namespace sqla::deploy {
namespace {

using core::dirname;

bool is_zappa_json(std::string_view name, std::string_view) { return name == "zappa_settings.json"; }

bool is_zappa_yaml(std::string_view name, std::string_view) {
  return name == "zappa_settings.yml" || name == "zappa_settings.yaml";
}

void read_zappa_yaml(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  if (!doc.IsMap()) return;
  for (const auto& stage : doc) {
    if (!stage.second.IsMap()) continue;
    out.serverless.push_back(Evidence{"zappa deploys stage `" + scalar(stage.first) + "` to AWS Lambda",
                                      mark_location(path, stage.first), "AWS Lambda", dirname(path)});
    read_yaml_env(stage.second["environment_variables"], path, out);
    read_yaml_env(stage.second["aws_environment_variables"], path, out);
  }
}

void read_zappa_json(const nlohmann::json& doc, const core::SourceFile& source, DeploymentFacts& out) {
  if (!doc.is_object()) return;
  for (const auto& [stage, body] : doc.items()) {
    if (!body.is_object()) continue;
    out.serverless.push_back(Evidence{"zappa deploys stage `" + stage + "` to AWS Lambda",
                                      json_key_location(source, stage), "AWS Lambda", dirname(source.path())});
    if (body.contains("environment_variables")) read_json_env(body["environment_variables"], source, out);
    if (body.contains("aws_environment_variables")) read_json_env(body["aws_environment_variables"], source, out);
  }
}

}  // namespace

extern const DeploymentFormat kZappaJson{"zappa_settings.json", Describes::kService,
    is_zappa_json, nullptr, read_zappa_json, nullptr};
extern const DeploymentFormat kZappaYaml{"zappa_settings.yml", Describes::kService,
    is_zappa_yaml, read_zappa_yaml, nullptr, nullptr};

}  // namespace sqla::deploy
