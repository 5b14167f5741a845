// libFuzzer target: the command lines of Procfile, Dockerfile
// (RUN/CMD/ENTRYPOINT, exec and shell forms), shell scripts and systemd units:
// the gunicorn/uvicorn/celery option parser.
#include "fuzz_deployment.h"

namespace fuzz {

int commands(const uint8_t *data, size_t size) {
  return read_deployment("commands",
                         {"Procfile", "Dockerfile", "start.sh", "app.service"},
                         data, size);
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::commands)
