// libFuzzer target: platform and pooler files read by their own small parsers:
// fly.toml (TOML), Terraform *.tf (Lambda / Cloud Run environment blocks),
// pgbouncer.ini (pool_mode, ports).
#include "fuzz_deployment.h"

namespace fuzz {

int platform(const uint8_t *data, size_t size) {
  return read_deployment("platform", {"fly.toml", "main.tf", "pgbouncer.ini"},
                         data, size);
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::platform)
