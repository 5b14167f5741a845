// libFuzzer target: the YAML deployment files (serverless.yml,
// SAM/CloudFormation template.yaml, zappa_settings.yml, compose files,
// render.yaml, App Engine app.yaml).
#include "fuzz_deployment.h"

namespace fuzz {

int deployment_yaml(const uint8_t *data, size_t size) {
  return read_deployment("deployment_yaml",
                         {"serverless.yml", "template.yaml",
                          "zappa_settings.yml", "docker-compose.yml",
                          "render.yaml", "app.yaml"},
                         data, size);
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::deployment_yaml)
