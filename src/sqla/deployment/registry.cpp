// The deployment file formats poolaudit reads, in the order their names are tried (the first that
// claims a file reads it: `dockerfile.sh` is a Dockerfile, `app.template.yaml` a SAM template).
//
// Adding a format touches three places: a reader file in this directory that defines one
// `extern const DeploymentFormat kName{label, describes, matches, reader}` (see format.h), one line
// in the list below (and the CMake source list), and fixtures under fixtures/ that show the facts it
// yields. Whether its files define a service is part of the format, not a second list.
#include "sqla/deployment.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "sqla/deployment/format.h"
#include "sqla/deployment/helpers.h"

namespace sqla {
namespace deploy {

extern const DeploymentFormat kServerlessYml, kCloudFormation, kZappaJson, kZappaYaml, kChalice, kVercel, kProcfile,
    kDockerfile, kCompose, kShellScript, kSystemdUnit, kFlyToml, kRender, kAppYaml, kEnvTemplate, kEnvFile,
    kPgbouncerIni, kTerraform;

namespace {

constexpr const DeploymentFormat* kFormats[] = {
    &kServerlessYml,  // serverless.yml
    &kCloudFormation,  // template.yaml, *.template.yml
    &kZappaJson,  // zappa_settings.json
    &kZappaYaml,  // zappa_settings.yml
    &kChalice,  // .chalice/config.json
    &kVercel,  // vercel.json
    &kProcfile,  // Procfile
    &kDockerfile,  // Dockerfile, Dockerfile.*, *.dockerfile
    &kCompose,  // docker-compose*.yml, compose*.yaml
    &kShellScript,  // *.sh
    &kSystemdUnit,  // *.service
    &kFlyToml,  // fly.toml
    &kRender,  // render.yaml
    &kAppYaml,  // app.yaml
    &kEnvTemplate,  // .env.example, .env.sample, ...
    &kEnvFile,  // .env, .env.*
    &kPgbouncerIni,  // pgbouncer.ini
    &kTerraform,  // *.tf
};

const DeploymentFormat* format_of(std::string_view path) {
  const std::string name = core::lower(core::basename(path));
  const std::string parent = core::lower(core::basename(core::dirname(path)));
  for (const DeploymentFormat* format : kFormats) {
    if (format->matches(name, parent)) return format;
  }
  return nullptr;
}

}  // namespace
}  // namespace deploy

using deploy::config_problem;
using deploy::DeploymentFormat;

bool is_deployment_file(std::string_view path) { return deploy::format_of(path) != nullptr; }

bool defines_service(std::string_view path) {
  const deploy::DeploymentFormat* format = deploy::format_of(path);
  return format && format->describes == deploy::Describes::kService;
}

DeploymentFacts read_deployment_file(const core::SourceFile& source, std::vector<core::Finding>& diagnostics) {
  DeploymentFacts out;
  const DeploymentFormat* format = deploy::format_of(source.path());
  const std::string& path = source.path();
  if (!format) return out;
  if (format->read_yaml) {
    YAML::Node doc;
    try {
      doc = YAML::Load(std::string(source.text()));
    } catch (const YAML::Exception& e) {
      const auto line = static_cast<uint32_t>(std::max(0, e.mark.line) + 1);
      const auto col = static_cast<uint32_t>(std::max(0, e.mark.column) + 1);
      diagnostics.push_back(config_problem(core::Location{path, {{line, col}, {line, col}}},
                                           "cannot parse " + path + ": " + e.msg + "; its deployment settings are ignored"));
      return out;
    }
    if (!doc.IsMap()) return out;
    try {
      format->read_yaml(doc, path, out);
    } catch (const YAML::Exception& e) {  // a node of an unexpected shape
      diagnostics.push_back(config_problem(core::Location{path, {{1, 1}, {1, 1}}},
                                           "cannot read " + path + ": " + e.msg + "; its deployment settings are ignored"));
    }
    return out;
  }
  if (format->read_json) {
    const auto doc = nlohmann::json::parse(source.text(), nullptr, false);
    if (doc.is_discarded()) {
      diagnostics.push_back(config_problem(core::Location{path, {{1, 1}, {1, 1}}},
                                           "cannot parse " + path + " as JSON; its deployment settings are ignored"));
      return out;
    }
    format->read_json(doc, source, out);
    return out;
  }
  if (format->read_text) format->read_text(source, out, diagnostics);
  return out;
}

}  // namespace sqla
