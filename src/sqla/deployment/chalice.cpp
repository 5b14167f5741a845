// .chalice/config.json: Chalice deploys the project to AWS Lambda.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/json_helpers.h"

namespace sqla::deploy {
namespace {

using core::dirname;

bool is_chalice(std::string_view name, std::string_view parent) { return name == "config.json" && parent == ".chalice"; }

void read_chalice(const nlohmann::json& doc, const core::SourceFile& source, DeploymentFacts& out) {
  if (!doc.is_object()) return;
  std::string app = doc.contains("app_name") && doc["app_name"].is_string() ? doc["app_name"].get<std::string>() : "";
  // .chalice/config.json covers the project directory above .chalice/.
  out.serverless.push_back(Evidence{"Chalice deploys " + (app.empty() ? std::string("the app") : "`" + app + "`") +
                                        " to AWS Lambda",
                                    json_key_location(source, app.empty() ? "version" : "app_name"), "AWS Lambda",
                                    dirname(dirname(source.path()))});
  if (doc.contains("environment_variables")) read_json_env(doc["environment_variables"], source, out);
  if (doc.contains("stages") && doc["stages"].is_object()) {
    for (const auto& [name, stage] : doc["stages"].items()) {
      if (stage.is_object() && stage.contains("environment_variables")) read_json_env(stage["environment_variables"], source, out);
    }
  }
}

}  // namespace

extern const DeploymentFormat kChalice{".chalice/config.json", Describes::kService,
    is_chalice, nullptr, read_chalice, nullptr};

}  // namespace sqla::deploy
