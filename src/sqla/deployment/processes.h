#pragma once
// Server processes: worker counts resolved from variables, env files and gunicorn configuration.
#include "sqla/facts.h"
#include "sqla/project_context.h"

namespace sqla::deploy {

/// gunicorn, uvicorn, `fastapi run`, hypercorn, or a configured web tier (not Celery).
bool is_web_server(const ServerProcess& p);

/// Resolves each process's worker count (`$WEB_CONCURRENCY`, gunicorn.conf.py, defaults) with its origin.
void resolve_processes(DeploymentFacts& d, const ConfiguredContext& context);

}  // namespace sqla::deploy
