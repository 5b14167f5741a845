// Where an engine's code runs: serverless or server processes, from branch conditions, the config
// and the deepest deployment evidence that covers its file.
#include <algorithm>

#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/deployment/processes.h"
#include "sqla/deployment/scope.h"

namespace sqla {
namespace {

using core::lower;

/// A branch condition that tests for a serverless runtime (`IS_LAMBDA`, `AWS_LAMBDA_FUNCTION_NAME`).
std::optional<bool> serverless_condition(std::string_view message) {
  // "configuration when `X` is true"
  constexpr std::string_view kPrefix = "configuration when `";
  if (!message.starts_with(kPrefix)) return std::nullopt;
  const size_t close = message.rfind("` is ");
  if (close == std::string_view::npos || close < kPrefix.size()) return std::nullopt;
  const std::string cond = lower(message.substr(kPrefix.size(), close - kPrefix.size()));
  bool taken = message.substr(close + 5) == "true";
  bool tests = false;
  for (const char* word : {"lambda", "serverless", "aws_execution_env", "vercel", "function_target", "cloud_function"}) {
    if (cond.find(word) != std::string::npos) tests = true;
  }
  if (!tests) return std::nullopt;
  if (cond.find("!=") != std::string::npos || cond.find(" not in ") != std::string::npos) taken = !taken;
  return taken;
}

}  // namespace

using deploy::covers;
using deploy::depth;
using deploy::is_web_server;

std::optional<bool> runs_serverless(const ProjectFacts& facts, const FileFacts& file, const EngineConfig& config,
                                    std::vector<core::Note>* why) {
  // The configuration of the file's service (its `serverless` key), the project's with one service.
  const ConfiguredContext& configured = context_of(facts, file);
  for (const core::Note& n : config.branch_notes) {
    if (auto v = serverless_condition(n.message)) {
      if (*v && configured.config_serverless == std::optional<bool>(false)) return false;
      if (why) why->push_back(core::Note{n.where, std::string("this configuration is the ") +
                                                      (*v ? "serverless" : "non-serverless") + " one"});
      return *v;
    }
  }
  if (configured.config_serverless) {
    if (why && *configured.config_serverless) {
      why->push_back(core::Note{core::Location{configured.config_origin, {{1, 1}, {1, 1}}}, "config `serverless = true`"});
    }
    return configured.config_serverless;
  }
  const DeploymentFacts& d = deployment_of(facts, file);
  int serverless_depth = -1;
  const Evidence* evidence = nullptr;
  for (const Evidence& e : d.serverless) {
    if (covers(e.scope, file.path) && depth(e.scope) > serverless_depth) {
      serverless_depth = depth(e.scope);
      evidence = &e;
    }
  }
  int server_depth = -1;
  for (const Evidence& e : d.servers) {
    if (covers(e.scope, file.path)) server_depth = std::max(server_depth, depth(e.scope));
  }
  if (serverless_depth > server_depth) {
    if (why) why->push_back(core::Note{evidence->where, evidence->what});
    return true;
  }
  if (server_depth > serverless_depth) return false;
  return std::nullopt;  // no evidence, or a server and a serverless deployment at the same level
}

std::string platform_summary(const ProjectFacts& facts) {
  return platform_summary(facts.context, facts.deployment);
}

std::string platform_summary(const ConfiguredContext& configured, const DeploymentFacts& d) {
  if (configured.config_serverless == std::optional<bool>(true)) return "serverless (config)";
  std::vector<std::string> names;
  auto add = [&](const std::string& n) {
    if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  if (configured.config_serverless != std::optional<bool>(false)) {
    for (const Evidence& e : d.serverless) add(e.platform);
  }
  for (const ServerProcess& p : d.processes) {
    if (is_web_server(p) && p.server != "configured") add(p.server + " server processes");
    else if (p.server == "celery") add("Celery workers");
  }
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace sqla
