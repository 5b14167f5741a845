// serverless.yml: the Serverless Framework's functions and their environment.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/yaml_helpers.h"
#include "sqla/services.h"

namespace sqla::deploy {
namespace {

using core::dirname;
using core::lower;

bool is_serverless_yml(std::string_view name, std::string_view) {
  return name == "serverless.yml" || name == "serverless.yaml";
}

void read_serverless_yml(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const YAML::Node provider = doc["provider"];
  std::string platform = "AWS Lambda";
  if (provider) {
    const std::string name = provider.IsMap() ? lower(scalar(provider["name"])) : lower(scalar(provider));
    if (name == "google") platform = "Google Cloud Functions";
    else if (name == "azure") platform = "Azure Functions";
    if (provider.IsMap()) read_yaml_env(provider["environment"], path, out);
  }
  const YAML::Node functions = doc["functions"];
  if (functions && functions.IsMap() && functions.size() > 0) {
    for (const auto& fn : functions) {
      std::string what = "serverless.yml declares the " + platform + " function `" + scalar(fn.first) + "`";
      // `handler: services/orders/handler.main` (or serverless-python-requirements' `module:`)
      // deploys the code of that directory: the repository's service there (services.h).
      std::string code_dir;
      if (fn.second.IsMap()) {
        const std::string handler = scalar(fn.second["handler"]);
        if (!handler.empty()) what += " (handler " + handler + ")";
        read_yaml_env(fn.second["environment"], path, out);
        const std::string module = scalar(fn.second["module"]);
        const std::string file = handler.substr(0, handler.rfind('.') == std::string::npos ? 0 : handler.rfind('.'));
        code_dir = code_directory(dirname(path), module.empty() ? dirname(file) : module);
      }
      Evidence e{what, mark_location(path, fn.first), platform, dirname(path)};
      e.code_dir = std::move(code_dir);
      out.serverless.push_back(std::move(e));
    }
  }
}

}  // namespace

extern const DeploymentFormat kServerlessYml{"serverless.yml", Describes::kService,
    is_serverless_yml, read_serverless_yml, nullptr, nullptr};

}  // namespace sqla::deploy
