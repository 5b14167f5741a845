// SAM / CloudFormation templates: Lambda function resources and their environment.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/yaml_helpers.h"

namespace sqla::deploy {
namespace {

using core::basename;
using core::dirname;

bool is_template(std::string_view name, std::string_view) {
  return name == "template.yaml" || name == "template.yml" || name.ends_with(".template.yaml") ||
         name.ends_with(".template.yml");
}

/// SAM / CloudFormation: AWS::Serverless::Function and AWS::Lambda::Function resources.
void read_cloudformation(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const YAML::Node resources = doc["Resources"];
  if (!resources || !resources.IsMap()) return;
  if (const YAML::Node globals = doc["Globals"]; globals && globals.IsMap() && globals["Function"] &&
                                                 globals["Function"].IsMap() && globals["Function"]["Environment"]) {
    const YAML::Node e = globals["Function"]["Environment"];
    if (e.IsMap()) read_yaml_env(e["Variables"], path, out);
  }
  for (const auto& res : resources) {
    if (!res.second.IsMap()) continue;
    const std::string type = scalar(res.second["Type"]);
    if (type != "AWS::Serverless::Function" && type != "AWS::Lambda::Function") continue;
    std::string what = basename(path) == std::string_view("template.yaml") || basename(path) == std::string_view("template.yml")
                           ? "SAM template"
                           : "CloudFormation template";
    what += " declares " + type + " `" + scalar(res.first) + "`";
    const YAML::Node props = res.second["Properties"];
    if (props && props.IsMap()) {
      const std::string handler = scalar(props["Handler"]);
      if (!handler.empty()) what += " (handler " + handler + ")";
      if (props["Environment"] && props["Environment"].IsMap()) read_yaml_env(props["Environment"]["Variables"], path, out);
    }
    out.serverless.push_back(Evidence{what, mark_location(path, res.first), "AWS Lambda", dirname(path)});
  }
}

}  // namespace

extern const DeploymentFormat kCloudFormation{"SAM / CloudFormation template", is_template, read_cloudformation, nullptr, nullptr};

}  // namespace sqla::deploy
