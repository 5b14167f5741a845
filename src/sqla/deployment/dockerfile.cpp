// Dockerfile: CMD / ENTRYPOINT servers, ENV, AWS Lambda base images.
#include "sqla/deployment/format.h"

#include <nlohmann/json.hpp>
#include "core/text.h"
#include "sqla/deployment/command_line.h"
#include "sqla/deployment/helpers.h"

namespace sqla::deploy {
namespace {

using core::dirname;
using core::lower;

bool is_dockerfile(std::string_view name, std::string_view) {
  // Dockerfile, Dockerfile.prod, Dockerfile-api, Dockerfile_worker, api.Dockerfile, and Podman's
  // Containerfile: compose services built from any of them run its CMD when they set no command.
  for (std::string_view base : {"dockerfile", "containerfile"}) {
    if (name == base || name.ends_with("." + std::string(base))) return true;
    if (name.starts_with(base) && name.size() > base.size() &&
        (name[base.size()] == '.' || name[base.size()] == '-' || name[base.size()] == '_'))
      return true;
  }
  return false;
}

/// Dockerfile: CMD / ENTRYPOINT (exec or shell form, `\` continuations), ENV, and AWS's Lambda base images.
void read_dockerfile(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>&) {
  std::string logical;
  uint32_t first = 0;
  auto flush = [&]() {
    const std::string text = trim(logical);
    logical.clear();
    if (text.empty() || text[0] == '#') return;
    const size_t space = text.find_first_of(" \t");
    const std::string instr = lower(text.substr(0, space));
    const std::string rest = space == std::string::npos ? "" : trim(text.substr(space));
    const core::Location where = line_location(source.path(), first, source.line_text(first));
    if (instr == "from") {
      const std::string image = lower(rest);
      if (image.find("public.ecr.aws/lambda/") != std::string::npos || image.find("aws-lambda-python") != std::string::npos) {
        out.serverless.push_back(Evidence{"the Dockerfile builds on the AWS Lambda base image " + rest.substr(0, rest.find(' ')),
                                          where, "AWS Lambda", dirname(source.path())});
      }
    } else if (instr == "cmd" || instr == "entrypoint") {
      std::string cmd = rest;
      if (!rest.empty() && rest[0] == '[') {
        const auto arr = nlohmann::json::parse(rest, nullptr, false);
        if (arr.is_array()) {
          cmd.clear();
          for (const auto& w : arr) {
            if (w.is_string()) cmd += (cmd.empty() ? "" : " ") + ("'" + w.get<std::string>() + "'");
          }
        }
      }
      const size_t before = out.processes.size();
      parse_command(cmd, where, out);
      for (size_t i = before; i < out.processes.size(); ++i) {
        out.servers.push_back(Evidence{std::string("the Dockerfile's ") + (instr == "cmd" ? "CMD" : "ENTRYPOINT") +
                                           " runs " + out.processes[i].server,
                                       where, out.processes[i].server, dirname(source.path())});
      }
    } else if (instr == "env") {
      // ENV K=V K2=V2, or the legacy ENV K V.
      const std::vector<std::string> words = shell_words(rest);
      if (words.size() == 2 && words[0].find('=') == std::string::npos) {
        out.env.push_back(EnvVariable{words[0], words[1], where, false});
      } else {
        for (const std::string& w : words) {
          const size_t eq = w.find('=');
          if (eq != std::string::npos) out.env.push_back(EnvVariable{w.substr(0, eq), w.substr(eq + 1), where, false});
        }
      }
    }
  };
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    std::string_view text = source.line_text(line);
    if (logical.empty()) first = line;
    if (logical.empty() && trim(text).rfind('#', 0) == 0) continue;
    std::string t = trim(text);
    if (!t.empty() && t.back() == '\\') {
      logical += t.substr(0, t.size() - 1) + " ";
      continue;
    }
    logical += t;
    flush();
  }
  flush();
}

}  // namespace

extern const DeploymentFormat kDockerfile{"Dockerfile", Describes::kService,
    is_dockerfile, nullptr, nullptr, read_dockerfile};

}  // namespace sqla::deploy
