// libFuzzer target: the JSON deployment files (vercel.json,
// zappa_settings.json, .chalice/config.json).
#include "fuzz_deployment.h"

namespace fuzz {

int deployment_json(const uint8_t *data, size_t size) {
  return read_deployment(
      "deployment_json",
      {"vercel.json", "zappa_settings.json", ".chalice/config.json"}, data,
      size);
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::deployment_json)
