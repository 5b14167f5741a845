// libFuzzer target: .env files and their templates (.env.example), then every
// variable they set looked up as a database URL.
#include "fuzz_deployment.h"

namespace fuzz {

int dotenv(const uint8_t *data, size_t size) {
  return read_deployment("dotenv", {".env", ".env.example"}, data, size);
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::dotenv)
