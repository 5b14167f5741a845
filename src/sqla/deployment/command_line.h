#pragma once
// Command lines (Procfile, Dockerfile, compose `command`, shell scripts, systemd, fly/render/app.yaml):
// the servers they start (gunicorn, uvicorn, hypercorn, Celery workers) and their worker counts.
#include <string>
#include <string_view>
#include <vector>

#include "core/location.h"
#include "sqla/facts.h"

namespace sqla::deploy {

/// Shell-like words: whitespace-separated, quotes removed (a quoted string stays one word).
std::vector<std::string> shell_words(std::string_view cmd);

/// Parses one command for a server it starts; appends it to `out`.
void parse_command(std::string_view cmd, const core::Location& where, DeploymentFacts& out, int depth = 0);

}  // namespace sqla::deploy
