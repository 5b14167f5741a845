// .env files (and their templates): environment variables.
#include "sqla/deployment/format.h"

#include "sqla/deployment/helpers.h"

namespace sqla::deploy {
namespace {

bool is_env_file(std::string_view name) { return name == ".env" || name.starts_with(".env."); }

/// `.env.example` and the like document variables; they do not set them.
bool is_env_template(std::string_view name, std::string_view) {
  if (!is_env_file(name)) return false;
  for (const char* t : {".example", ".sample", ".template", ".dist", ".defaults", ".tpl"}) {
    if (name.ends_with(t)) return true;
  }
  return false;
}

bool is_real_env_file(std::string_view name, std::string_view parent) {
  return is_env_file(name) && !is_env_template(name, parent);
}

/// KEY=VALUE lines (.env files, `export KEY=VALUE`, quotes removed, trailing comments dropped).
void read_dotenv(const core::SourceFile& source, bool example, DeploymentFacts& out) {
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    std::string text = trim(source.line_text(line));
    if (text.empty() || text[0] == '#') continue;
    if (text.starts_with("export ")) text = trim(text.substr(7));
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    const std::string key = trim(text.substr(0, eq));
    std::string value = trim(text.substr(eq + 1));
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0]) {
      value = value.substr(1, value.size() - 2);
    } else if (const size_t hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));
    }
    const std::string_view raw = source.line_text(line);
    const size_t col = raw.find(value.empty() ? std::string_view("=") : std::string_view(value));
    core::Location where{source.path(), {{line, static_cast<uint32_t>((col == std::string_view::npos ? 0 : col) + 1)},
                                         {line, static_cast<uint32_t>(raw.size() + 1)}}};
    out.env.push_back(EnvVariable{key, value, where, example});
  }
}

void read_env_template(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>&) {
  read_dotenv(source, true, out);
}

void read_env_file(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>&) {
  read_dotenv(source, false, out);
}

}  // namespace

extern const DeploymentFormat kEnvTemplate{".env template", Describes::kSurroundings,
    is_env_template, nullptr, nullptr, read_env_template};
extern const DeploymentFormat kEnvFile{".env", Describes::kSurroundings,
    is_real_env_file, nullptr, nullptr, read_env_file};

}  // namespace sqla::deploy
