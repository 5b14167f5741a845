// SAM / CloudFormation templates: Lambda function resources and their environment.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/yaml_helpers.h"
#include "sqla/services.h"

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
  std::string global_code;  // Globals.Function.CodeUri: the directory every function's code is in
  if (const YAML::Node globals = doc["Globals"]; globals && globals.IsMap() && globals["Function"] &&
                                                 globals["Function"].IsMap()) {
    const YAML::Node e = globals["Function"]["Environment"];
    if (e && e.IsMap()) read_yaml_env(e["Variables"], path, out);
    global_code = scalar(globals["Function"]["CodeUri"]);
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
    std::string code = global_code;
    if (props && props.IsMap()) {
      if (const std::string uri = scalar(props["CodeUri"]); !uri.empty()) code = uri;
      const std::string handler = scalar(props["Handler"]);
      if (!handler.empty()) what += " (handler " + handler + ")";
      if (props["Environment"] && props["Environment"].IsMap()) read_yaml_env(props["Environment"]["Variables"], path, out);
    }
    // `CodeUri: orders/`: the function runs that directory's code, the repository's service there.
    Evidence e{what, mark_location(path, res.first), "AWS Lambda", dirname(path)};
    e.code_dir = code_directory(dirname(path), code);
    out.serverless.push_back(std::move(e));
  }
}

}  // namespace

extern const DeploymentFormat kCloudFormation{"SAM / CloudFormation template", Describes::kService,
    is_template, read_cloudformation, nullptr, nullptr};

}  // namespace sqla::deploy
