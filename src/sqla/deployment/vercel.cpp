// vercel.json: Python functions on Vercel (or a directory whose api/*.py decides later).
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/json_helpers.h"

namespace sqla::deploy {
namespace {

using core::dirname;

bool is_vercel(std::string_view name, std::string_view) { return name == "vercel.json"; }

/// vercel.json: Python functions declared here are evidence; otherwise the directory is kept and
/// `api/*.py` beside it decides at the project phase (a frontend-only vercel.json is not evidence).
void read_vercel(const nlohmann::json& doc, const core::SourceFile& source, DeploymentFacts& out) {
  if (!doc.is_object()) return;
  const std::string dir = dirname(source.path());
  auto python_function = [&](const std::string& pattern) {
    return pattern.ends_with(".py") || pattern.find("*.py") != std::string::npos;
  };
  if (doc.contains("functions") && doc["functions"].is_object()) {
    for (const auto& [pattern, body] : doc["functions"].items()) {
      if (python_function(pattern) || (body.is_object() && body.contains("runtime") && body["runtime"].is_string() &&
                                       body["runtime"].get<std::string>().find("python") != std::string::npos)) {
        out.serverless.push_back(Evidence{"vercel.json declares the Python function `" + pattern + "`",
                                          json_key_location(source, pattern), "Vercel", dir});
        return;
      }
    }
  }
  if (doc.contains("builds") && doc["builds"].is_array()) {
    for (const auto& b : doc["builds"]) {
      if (b.is_object() && b.contains("use") && b["use"].is_string() && b["use"].get<std::string>() == "@vercel/python") {
        const std::string src = b.contains("src") && b["src"].is_string() ? b["src"].get<std::string>() : "";
        out.serverless.push_back(Evidence{"vercel.json builds `" + src + "` with @vercel/python",
                                          json_key_location(source, "@vercel/python"), "Vercel", dir});
        return;
      }
    }
  }
  out.vercel_dirs.push_back(dir);
  out.frontend_only.push_back(Evidence{"vercel.json", core::Location{source.path(), {{1, 1}, {1, 1}}}, "Vercel", dir});
  if (doc.contains("env")) read_json_env(doc["env"], source, out);
}

}  // namespace

extern const DeploymentFormat kVercel{"vercel.json", Describes::kService,
    is_vercel, nullptr, read_vercel, nullptr};

}  // namespace sqla::deploy
