#include "sqla/deployment.h"

#include <map>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <toml++/toml.h>

#include "core/mask.h"
#include "core/text.h"

namespace sqla {
namespace {

using core::basename;
using core::dirname;
using core::last_component;
using core::lower;
using py::ValueKind;

std::string trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<int> to_int(std::string_view s) {
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

core::Location line_location(const std::string& path, uint32_t line, std::string_view text) {
  return core::Location{path, {{line, 1}, {line, static_cast<uint32_t>(text.size() + 1)}}};
}

std::string at(const core::Location& where) { return where.path + ":" + std::to_string(where.range.begin.line); }

core::Finding config_problem(const core::Location& where, std::string message) {
  core::Finding f;
  f.code = "PA003";
  f.name = "configuration-problem";
  f.severity = core::Severity::kWarning;
  f.where = where;
  f.message = std::move(message);
  f.fix = "Fix the file's syntax";
  return f;
}

// ---------------------------------------------------------------------------------------------
// Command lines (Procfile, Dockerfile, compose `command`, shell scripts, systemd, fly/render/app.yaml)

/// Shell-like words: whitespace-separated, quotes removed (a quoted string stays one word).
std::vector<std::string> shell_words(std::string_view cmd) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : cmd) {
    if (quote) {
      if (c == quote) quote = 0;
      else word += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    if (c == ';' || c == '&' || c == '|') {  // separators end a command
      if (in_word) out.push_back(std::move(word));
      word.clear();
      in_word = false;
      out.emplace_back(1, ';');
      continue;
    }
    word += c;
    in_word = true;
  }
  if (in_word) out.push_back(std::move(word));
  return out;
}

/// `-w 4`, `-w4`, `--workers 4`, `--workers=4`: the option's value, advancing `i`.
std::optional<std::string> option_value(const std::vector<std::string>& w, size_t& i, std::string_view short_name,
                                        std::string_view long_name) {
  const std::string& a = w[i];
  if ((!short_name.empty() && a == short_name) || a == long_name) {
    if (i + 1 < w.size()) return w[++i];
    return std::nullopt;
  }
  if (!long_name.empty() && a.starts_with(std::string(long_name) + "=")) return a.substr(long_name.size() + 1);
  if (!short_name.empty() && short_name.size() == 2 && a.starts_with(short_name) && a.size() > 2 && a[2] != '-') {
    return a.substr(2);
  }
  return std::nullopt;
}

/// Parses one command for a server it starts; appends it to `out`.
void parse_command(std::string_view cmd, const core::Location& where, DeploymentFacts& out, int depth = 0) {
  if (depth > 3) return;
  const std::vector<std::string> words = shell_words(cmd);
  for (size_t i = 0; i < words.size(); ++i) {
    // `sh -c "gunicorn ..."`: the quoted string is a command of its own.
    if (words[i].find(' ') != std::string::npos) {
      parse_command(words[i], where, out, depth + 1);
      continue;
    }
    std::string_view name = basename(words[i]);
    size_t start = i;
    if ((name == "python" || name.starts_with("python3")) && i + 2 < words.size() && words[i + 1] == "-m") {
      name = words[i + 2];
      start = i + 2;
    }
    if (name != "gunicorn" && name != "uvicorn" && name != "hypercorn" && name != "celery") continue;
    ServerProcess p;
    p.server = std::string(name);
    p.where = where;
    p.command = trim(cmd);
    p.directory = dirname(where.path);
    p.forks = name == "gunicorn" || name == "celery";
    bool celery_worker = false;
    std::string pool = "prefork";
    size_t j = start + 1;
    for (; j < words.size() && words[j] != ";"; ++j) {
      std::optional<std::string> v;
      if (name == "gunicorn" || name == "hypercorn") {
        if ((v = option_value(words, j, "-w", "--workers"))) {
          p.workers_origin = *v;
          continue;
        }
        if ((v = option_value(words, j, "", "--threads"))) {
          p.threads = to_int(*v);
          continue;
        }
        if ((v = option_value(words, j, "-k", "--worker-class"))) {
          p.worker_class = *v;
          continue;
        }
        if (words[j] == "--preload") {
          p.preload = true;
          p.preload_where = where;
          continue;
        }
      } else if (name == "uvicorn") {
        if ((v = option_value(words, j, "", "--workers"))) {
          p.workers_origin = *v;
          continue;
        }
      } else {
        if (words[j] == "worker") celery_worker = true;
        if ((v = option_value(words, j, "-c", "--concurrency"))) {
          p.workers_origin = *v;
          continue;
        }
        if ((v = option_value(words, j, "-P", "--pool"))) pool = *v;
      }
    }
    if (name == "celery") {
      if (!celery_worker) {
        i = j;
        continue;
      }
      // Prefork: the worker imports the app, then forks its pool children.
      p.forks = pool == "prefork" || pool == "processes";
      p.preload = p.forks;
      p.preload_where = where;
      if (!p.forks) p.worker_class = pool;
    }
    // workers_origin holds the value as written until merge_deployment resolves variables.
    out.processes.push_back(std::move(p));
    i = j;
  }
}

// ---------------------------------------------------------------------------------------------
// YAML helpers

core::Location mark_location(const std::string& path, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return core::Location{path, {{1, 1}, {1, 1}}};
  const auto line = static_cast<uint32_t>(m.line + 1);
  const auto col = static_cast<uint32_t>(m.column + 1);
  return core::Location{path, {{line, col}, {line, col}}};
}

std::string scalar(const YAML::Node& node) {
  if (!node || !node.IsScalar()) return {};
  return node.Scalar();
}

/// `environment:` as a map or as a list of "K=V".
void read_yaml_env(const YAML::Node& env, const std::string& path, DeploymentFacts& out) {
  if (!env) return;
  if (env.IsMap()) {
    for (const auto& kv : env) {
      if (!kv.first.IsScalar()) continue;
      // CloudFormation `!Ref X` / `!Sub ...` values are not literals: not a value the code gets.
      if (!kv.second.IsScalar() || (kv.second.Tag() != "?" && kv.second.Tag() != "!" && !kv.second.Tag().empty())) continue;
      out.env.push_back(EnvVariable{kv.first.Scalar(), kv.second.Scalar(), mark_location(path, kv.second), false});
    }
  } else if (env.IsSequence()) {
    for (const auto& item : env) {
      const std::string s = scalar(item);
      const size_t eq = s.find('=');
      if (eq == std::string::npos) continue;
      out.env.push_back(EnvVariable{s.substr(0, eq), s.substr(eq + 1), mark_location(path, item), false});
    }
  }
}

void read_serverless_yml(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const YAML::Node provider = doc["provider"];
  std::string platform = "AWS Lambda";
  if (provider) {
    const std::string name = provider.IsMap() ? lower(scalar(provider["name"])) : lower(scalar(provider));
    if (name == "google") platform = "Google Cloud Functions";
    else if (name == "azure") platform = "Azure Functions";
    if (provider.IsMap()) read_yaml_env(provider["environment"], path, out);
  }
  const YAML::Node functions = doc["functions"];
  if (functions && functions.IsMap() && functions.size() > 0) {
    for (const auto& fn : functions) {
      std::string what = "serverless.yml declares the " + platform + " function `" + scalar(fn.first) + "`";
      if (fn.second.IsMap()) {
        const std::string handler = scalar(fn.second["handler"]);
        if (!handler.empty()) what += " (handler " + handler + ")";
        read_yaml_env(fn.second["environment"], path, out);
      }
      out.serverless.push_back(Evidence{what, mark_location(path, fn.first), platform, dirname(path)});
    }
  }
}

/// SAM / CloudFormation: AWS::Serverless::Function and AWS::Lambda::Function resources.
void read_cloudformation(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const YAML::Node resources = doc["Resources"];
  if (!resources || !resources.IsMap()) return;
  if (const YAML::Node globals = doc["Globals"]; globals && globals.IsMap() && globals["Function"] &&
                                                 globals["Function"].IsMap() && globals["Function"]["Environment"]) {
    const YAML::Node e = globals["Function"]["Environment"];
    if (e.IsMap()) read_yaml_env(e["Variables"], path, out);
  }
  for (const auto& res : resources) {
    if (!res.second.IsMap()) continue;
    const std::string type = scalar(res.second["Type"]);
    if (type != "AWS::Serverless::Function" && type != "AWS::Lambda::Function") continue;
    std::string what = basename(path) == std::string_view("template.yaml") || basename(path) == std::string_view("template.yml")
                           ? "SAM template"
                           : "CloudFormation template";
    what += " declares " + type + " `" + scalar(res.first) + "`";
    const YAML::Node props = res.second["Properties"];
    if (props && props.IsMap()) {
      const std::string handler = scalar(props["Handler"]);
      if (!handler.empty()) what += " (handler " + handler + ")";
      if (props["Environment"] && props["Environment"].IsMap()) read_yaml_env(props["Environment"]["Variables"], path, out);
    }
    out.serverless.push_back(Evidence{what, mark_location(path, res.first), "AWS Lambda", dirname(path)});
  }
}

/// The port PgBouncer listens on inside a compose service, and its pool mode.
void read_compose_pooler(const std::string& service, const YAML::Node& body, const std::string& image,
                         const std::string& path, DeploymentFacts& out) {
  PoolerEndpoint p;
  p.host = service;
  p.where = mark_location(path, body);
  // Images differ: bitnami listens on 6432 (PGBOUNCER_PORT), edoburu on 5432 (LISTEN_PORT).
  p.port = image.find("edoburu") != std::string::npos ? 5432 : 6432;
  DeploymentFacts env;
  read_yaml_env(body["environment"], path, env);
  for (const EnvVariable& v : env.env) {
    const std::string key = lower(v.name);
    if (key == "listen_port" || key == "pgbouncer_port" || key == "pgbouncer_listen_port") {
      if (auto port = to_int(v.value)) p.port = *port;
    } else if (key == "pool_mode" || key == "pgbouncer_pool_mode") {
      p.mode = lower(v.value);
    }
  }
  out.poolers.push_back(std::move(p));
}

void read_compose(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const YAML::Node services = doc["services"];
  if (!services || !services.IsMap()) return;
  for (const auto& svc : services) {
    const YAML::Node body = svc.second;
    if (!body.IsMap()) continue;
    const std::string image = lower(scalar(body["image"]));
    if (image.find("pgbouncer") != std::string::npos || lower(scalar(svc.first)).find("pgbouncer") != std::string::npos) {
      read_compose_pooler(scalar(svc.first), body, image, path, out);
      continue;
    }
    read_yaml_env(body["environment"], path, out);
    const YAML::Node command = body["command"];
    std::string text;
    if (command && command.IsScalar()) {
      text = command.Scalar();
    } else if (command && command.IsSequence()) {
      for (const auto& w : command) text += (text.empty() ? "" : " ") + ("'" + scalar(w) + "'");
    }
    if (text.empty()) continue;
    // The project's own database server: `postgres -c max_connections=200` is the budget.
    if (const size_t at_key = text.find("max_connections="); at_key != std::string::npos &&
                                                            (image.find("postgres") != std::string::npos || image.find("mysql") != std::string::npos ||
                                                             image.find("mariadb") != std::string::npos)) {
      const std::string rest = text.substr(at_key + 16);
      if (auto n = to_int(rest.substr(0, rest.find_first_not_of("0123456789")))) {
        out.max_connections = n;
        out.max_connections_where = mark_location(path, command);
      }
      continue;
    }
    parse_command(text, mark_location(path, command), out);
  }
}

/// Long-running servers a platform file starts (Render, App Engine): server evidence.
void add_servers(DeploymentFacts& out, size_t before, const std::string& file, const std::string& platform) {
  for (size_t i = before; i < out.processes.size(); ++i) {
    out.servers.push_back(Evidence{file + " runs " + out.processes[i].server, out.processes[i].where, platform,
                                   dirname(out.processes[i].where.path)});
  }
}

void read_render(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const YAML::Node services = doc["services"];
  if (!services || !services.IsSequence()) return;
  for (const auto& svc : services) {
    if (!svc.IsMap()) continue;
    const YAML::Node start = svc["startCommand"];
    const size_t before = out.processes.size();
    if (start && start.IsScalar()) parse_command(start.Scalar(), mark_location(path, start), out);
    add_servers(out, before, "render.yaml", "Render");
    const YAML::Node vars = svc["envVars"];
    if (!vars || !vars.IsSequence()) continue;
    for (const auto& v : vars) {
      if (v.IsMap() && v["key"] && v["value"] && v["value"].IsScalar()) {
        out.env.push_back(EnvVariable{scalar(v["key"]), v["value"].Scalar(), mark_location(path, v["value"]), false});
      }
    }
  }
}

/// Google App Engine: `entrypoint: gunicorn -b :$PORT main:app`, `env_variables:`.
void read_app_yaml(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  const size_t before = out.processes.size();
  if (const YAML::Node e = doc["entrypoint"]; e && e.IsScalar()) parse_command(e.Scalar(), mark_location(path, e), out);
  add_servers(out, before, "app.yaml", "App Engine");
  read_yaml_env(doc["env_variables"], path, out);
}

void read_zappa_yaml(const YAML::Node& doc, const std::string& path, DeploymentFacts& out) {
  if (!doc.IsMap()) return;
  for (const auto& stage : doc) {
    if (!stage.second.IsMap()) continue;
    out.serverless.push_back(Evidence{"zappa deploys stage `" + scalar(stage.first) + "` to AWS Lambda",
                                      mark_location(path, stage.first), "AWS Lambda", dirname(path)});
    read_yaml_env(stage.second["environment_variables"], path, out);
    read_yaml_env(stage.second["aws_environment_variables"], path, out);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON files (zappa_settings.json, .chalice/config.json, vercel.json)

/// Line of the first occurrence of `"key"` in the text (nlohmann keeps no positions).
core::Location json_key_location(const core::SourceFile& source, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string_view text = source.line_text(line);
    const size_t col = text.find(quoted);
    if (col != std::string_view::npos) {
      return core::Location{source.path(), {{line, static_cast<uint32_t>(col + 1)}, {line, static_cast<uint32_t>(col + 1)}}};
    }
  }
  return core::Location{source.path(), {{1, 1}, {1, 1}}};
}

void read_json_env(const nlohmann::json& env, const core::SourceFile& source, DeploymentFacts& out) {
  if (!env.is_object()) return;
  for (const auto& [k, v] : env.items()) {
    if (v.is_string()) out.env.push_back(EnvVariable{k, v.get<std::string>(), json_key_location(source, k), false});
  }
}

void read_zappa_json(const nlohmann::json& doc, const core::SourceFile& source, DeploymentFacts& out) {
  if (!doc.is_object()) return;
  for (const auto& [stage, body] : doc.items()) {
    if (!body.is_object()) continue;
    out.serverless.push_back(Evidence{"zappa deploys stage `" + stage + "` to AWS Lambda",
                                      json_key_location(source, stage), "AWS Lambda", dirname(source.path())});
    if (body.contains("environment_variables")) read_json_env(body["environment_variables"], source, out);
    if (body.contains("aws_environment_variables")) read_json_env(body["aws_environment_variables"], source, out);
  }
}

void read_chalice(const nlohmann::json& doc, const core::SourceFile& source, DeploymentFacts& out) {
  if (!doc.is_object()) return;
  std::string app = doc.contains("app_name") && doc["app_name"].is_string() ? doc["app_name"].get<std::string>() : "";
  // .chalice/config.json covers the project directory above .chalice/.
  out.serverless.push_back(Evidence{"Chalice deploys " + (app.empty() ? std::string("the app") : "`" + app + "`") +
                                        " to AWS Lambda",
                                    json_key_location(source, app.empty() ? "version" : "app_name"), "AWS Lambda",
                                    dirname(dirname(source.path()))});
  if (doc.contains("environment_variables")) read_json_env(doc["environment_variables"], source, out);
  if (doc.contains("stages") && doc["stages"].is_object()) {
    for (const auto& [name, stage] : doc["stages"].items()) {
      if (stage.is_object() && stage.contains("environment_variables")) read_json_env(stage["environment_variables"], source, out);
    }
  }
}

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

// ---------------------------------------------------------------------------------------------
// Line-based files

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

void read_procfile(const core::SourceFile& source, DeploymentFacts& out) {
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string_view text = source.line_text(line);
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos || trim(text).rfind('#', 0) == 0) continue;
    const std::string type = trim(text.substr(0, colon));
    const size_t before = out.processes.size();
    parse_command(text.substr(colon + 1), line_location(source.path(), line, text), out);
    if (type == "web" && out.processes.size() > before) {
      out.servers.push_back(Evidence{"Procfile `web` process runs " + out.processes[before].server,
                                     line_location(source.path(), line, text), "Procfile", dirname(source.path())});
    }
  }
}

/// Dockerfile: CMD / ENTRYPOINT (exec or shell form, `\` continuations), ENV, and AWS's Lambda base images.
void read_dockerfile(const core::SourceFile& source, DeploymentFacts& out) {
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

/// Shell scripts and systemd units: every line may start a server.
void read_command_lines(const core::SourceFile& source, DeploymentFacts& out, bool systemd) {
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string_view text = source.line_text(line);
    std::string t = trim(text);
    if (t.empty() || t[0] == '#') continue;
    if (systemd) {
      if (t.starts_with("Environment=")) {
        for (const std::string& w : shell_words(t.substr(12))) {
          const size_t eq = w.find('=');
          if (eq != std::string::npos) {
            out.env.push_back(EnvVariable{w.substr(0, eq), w.substr(eq + 1), line_location(source.path(), line, text), false});
          }
        }
        continue;
      }
      if (!t.starts_with("ExecStart=")) continue;
      t = t.substr(10);
    }
    const size_t before = out.processes.size();
    parse_command(t, line_location(source.path(), line, text), out);
    if (systemd && out.processes.size() > before) {
      out.servers.push_back(Evidence{"the systemd unit runs " + out.processes[before].server,
                                     line_location(source.path(), line, text), "systemd", dirname(source.path())});
    }
  }
}

void read_pgbouncer_ini(const core::SourceFile& source, DeploymentFacts& out) {
  PoolerEndpoint p;
  p.port = 6432;
  p.where = core::Location{source.path(), {{1, 1}, {1, 1}}};
  std::string section;
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string t = trim(source.line_text(line));
    if (t.empty() || t[0] == ';' || t[0] == '#') continue;
    if (t[0] == '[') {
      section = lower(t.substr(1, t.find(']') - 1));
      continue;
    }
    if (section != "pgbouncer") continue;
    const size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = lower(trim(t.substr(0, eq)));
    const std::string value = trim(t.substr(eq + 1));
    if (key == "listen_port") {
      if (auto port = to_int(value)) p.port = *port;
      p.where = line_location(source.path(), line, source.line_text(line));
    } else if (key == "pool_mode") {
      p.mode = lower(value);
    } else if (key == "listen_addr" && value != "*" && value != "0.0.0.0") {
      p.host = value;
    }
  }
  out.poolers.push_back(std::move(p));
}

void read_fly_toml(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>& diagnostics) {
  toml::table doc;
  try {
    doc = toml::parse(source.text(), source.path());
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    diagnostics.push_back(config_problem(
        core::Location{source.path(), {{static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)},
                                       {static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)}}},
        "cannot parse " + source.path() + ": " + std::string(e.description()) + "; its deployment settings are ignored"));
    return;
  }
  auto where_of = [&](const toml::node& n) {
    const auto& b = n.source().begin;
    return core::Location{source.path(), {{static_cast<uint32_t>(b.line), 1}, {static_cast<uint32_t>(b.line), 1}}};
  };
  auto command = [&](const toml::node& n) {
    std::string cmd;
    if (auto s = n.value<std::string>()) cmd = *s;
    else if (const auto* arr = n.as_array()) {
      for (const auto& w : *arr) {
        if (auto s2 = w.value<std::string>()) cmd += (cmd.empty() ? "" : " ") + ("'" + *s2 + "'");
      }
    }
    const size_t before = out.processes.size();
    if (!cmd.empty()) parse_command(cmd, where_of(n), out);
    for (size_t i = before; i < out.processes.size(); ++i) {
      out.servers.push_back(Evidence{"fly.toml runs " + out.processes[i].server, where_of(n), "Fly.io", dirname(source.path())});
    }
  };
  if (const auto* procs = doc["processes"].as_table()) {
    for (const auto& [name, cmd] : *procs) command(cmd);
  }
  if (const auto* exp = doc["experimental"].as_table()) {
    if (const auto* cmd = exp->get("cmd")) command(*cmd);
  }
  if (const auto* env = doc["env"].as_table()) {
    for (const auto& [k, v] : *env) {
      if (auto s = v.value<std::string>()) out.env.push_back(EnvVariable{std::string(k.str()), *s, where_of(v), false});
      else if (auto i = v.value<int64_t>()) out.env.push_back(EnvVariable{std::string(k.str()), std::to_string(*i), where_of(v), false});
    }
  }
}

/// Terraform: `resource "aws_lambda_function" "x"`. An infra/ or terraform/ directory describes the
/// project beside it, so the evidence covers the parent directory.
void read_terraform(const core::SourceFile& source, DeploymentFacts& out) {
  std::string scope = dirname(source.path());
  const std::string leaf = lower(basename(scope));
  if (leaf == "terraform" || leaf == "infra" || leaf == "infrastructure" || leaf == "deploy" || leaf == "iac") {
    scope = dirname(scope);
  }
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string t = trim(source.line_text(line));
    if (!t.starts_with("resource")) continue;
    for (const char* type : {"\"aws_lambda_function\"", "\"google_cloudfunctions_function\"", "\"google_cloudfunctions2_function\""}) {
      if (t.find(type) == std::string::npos) continue;
      const bool aws = std::string_view(type) == "\"aws_lambda_function\"";
      out.serverless.push_back(Evidence{"Terraform declares a " + std::string(type).substr(1, std::string(type).size() - 2) +
                                            " resource",
                                        line_location(source.path(), line, source.line_text(line)),
                                        aws ? "AWS Lambda" : "Google Cloud Functions", scope});
    }
  }
}

enum class Kind {
  kNone, kServerless, kSam, kZappaJson, kZappaYaml, kChalice, kVercel, kProcfile, kDockerfile, kCompose,
  kShell, kSystemd, kFly, kRender, kAppYaml, kDotenv, kDotenvExample, kPgbouncer, kTerraform
};

Kind kind_of(std::string_view path) {
  const std::string name = lower(basename(path));
  const std::string parent = lower(basename(dirname(path)));
  if (name == "serverless.yml" || name == "serverless.yaml") return Kind::kServerless;
  if (name == "template.yaml" || name == "template.yml" || name.ends_with(".template.yaml") ||
      name.ends_with(".template.yml") || name == "samconfig.yaml") {
    return name == "samconfig.yaml" ? Kind::kNone : Kind::kSam;
  }
  if (name == "zappa_settings.json") return Kind::kZappaJson;
  if (name == "zappa_settings.yml" || name == "zappa_settings.yaml") return Kind::kZappaYaml;
  if (name == "config.json" && parent == ".chalice") return Kind::kChalice;
  if (name == "vercel.json") return Kind::kVercel;
  if (name == "procfile") return Kind::kProcfile;
  if (name == "dockerfile" || name.starts_with("dockerfile.") || name.ends_with(".dockerfile")) return Kind::kDockerfile;
  if ((name.starts_with("docker-compose") || name.starts_with("compose")) && (name.ends_with(".yml") || name.ends_with(".yaml"))) {
    return Kind::kCompose;
  }
  if (name.ends_with(".sh")) return Kind::kShell;
  if (name.ends_with(".service")) return Kind::kSystemd;
  if (name == "fly.toml") return Kind::kFly;
  if (name == "render.yaml" || name == "render.yml") return Kind::kRender;
  if (name == "app.yaml" || name == "app.yml") return Kind::kAppYaml;
  if (name == ".env" || name.starts_with(".env.")) {
    for (const char* t : {".example", ".sample", ".template", ".dist", ".defaults", ".tpl"}) {
      if (name.ends_with(t)) return Kind::kDotenvExample;
    }
    return Kind::kDotenv;
  }
  if (name == "pgbouncer.ini") return Kind::kPgbouncer;
  if (name.ends_with(".tf")) return Kind::kTerraform;
  return Kind::kNone;
}

bool is_yaml(Kind k) {
  return k == Kind::kServerless || k == Kind::kSam || k == Kind::kZappaYaml || k == Kind::kCompose ||
         k == Kind::kRender || k == Kind::kAppYaml;
}

}  // namespace

bool is_deployment_file(std::string_view path) { return kind_of(path) != Kind::kNone; }

DeploymentFacts read_deployment_file(const core::SourceFile& source, std::vector<core::Finding>& diagnostics) {
  DeploymentFacts out;
  const Kind kind = kind_of(source.path());
  const std::string& path = source.path();
  if (is_yaml(kind)) {
    YAML::Node doc;
    try {
      doc = YAML::Load(std::string(source.text()));
    } catch (const YAML::Exception& e) {
      const auto line = static_cast<uint32_t>(std::max(0, e.mark.line) + 1);
      const auto col = static_cast<uint32_t>(std::max(0, e.mark.column) + 1);
      diagnostics.push_back(config_problem(core::Location{path, {{line, col}, {line, col}}},
                                           "cannot parse " + path + ": " + e.msg + "; its deployment settings are ignored"));
      return out;
    }
    if (!doc.IsMap()) return out;
    try {
      switch (kind) {
        case Kind::kServerless: read_serverless_yml(doc, path, out); break;
        case Kind::kSam: read_cloudformation(doc, path, out); break;
        case Kind::kZappaYaml: read_zappa_yaml(doc, path, out); break;
        case Kind::kCompose: read_compose(doc, path, out); break;
        case Kind::kRender: read_render(doc, path, out); break;
        case Kind::kAppYaml: read_app_yaml(doc, path, out); break;
        default: break;
      }
    } catch (const YAML::Exception& e) {  // a node of an unexpected shape
      diagnostics.push_back(config_problem(core::Location{path, {{1, 1}, {1, 1}}},
                                           "cannot read " + path + ": " + e.msg + "; its deployment settings are ignored"));
    }
    return out;
  }
  if (kind == Kind::kZappaJson || kind == Kind::kChalice || kind == Kind::kVercel) {
    const auto doc = nlohmann::json::parse(source.text(), nullptr, false);
    if (doc.is_discarded()) {
      diagnostics.push_back(config_problem(core::Location{path, {{1, 1}, {1, 1}}},
                                           "cannot parse " + path + " as JSON; its deployment settings are ignored"));
      return out;
    }
    if (kind == Kind::kZappaJson) read_zappa_json(doc, source, out);
    else if (kind == Kind::kChalice) read_chalice(doc, source, out);
    else read_vercel(doc, source, out);
    return out;
  }
  switch (kind) {
    case Kind::kProcfile: read_procfile(source, out); break;
    case Kind::kDockerfile: read_dockerfile(source, out); break;
    case Kind::kShell: read_command_lines(source, out, false); break;
    case Kind::kSystemd: read_command_lines(source, out, true); break;
    case Kind::kFly: read_fly_toml(source, out, diagnostics); break;
    case Kind::kDotenv: read_dotenv(source, false, out); break;
    case Kind::kDotenvExample: read_dotenv(source, true, out); break;
    case Kind::kPgbouncer: read_pgbouncer_ini(source, out); break;
    case Kind::kTerraform: read_terraform(source, out); break;
    default: break;
  }
  return out;
}


// ---------------------------------------------------------------------------------------------
// Python entry points

namespace {

bool under_main_guard(const py::CallSite& call) {
  for (const py::CondTag& t : call.args.tags) {
    if (call.module.condition(t.id).text.find("__name__") != std::string::npos) return true;
  }
  return false;
}

bool is_engine_value(const py::Value& v, const FileFacts& facts) {
  return v.kind == ValueKind::kObject && v.object_id >= 0 && static_cast<size_t>(v.object_id) < facts.engines.size() &&
         v.text.find("Engine") != std::string::npos;
}

// Markers used between observe_deployment_call and collect_python_deployment (resolved there).
constexpr std::string_view kInFunction = "@function:";
constexpr std::string_view kCallsFunction = "@calls:";

}  // namespace

void observe_deployment_call(const py::CallSite& call, FileFacts& facts) {
  DeploymentFacts& d = facts.deployment;
  const py::Value& callee = call.callee;
  const core::Location where = call.module.location(call.node);
  if (callee.kind == ValueKind::kSymbol) {
    const std::string& q = callee.text;
    if (q == "fastapi.FastAPI" || q == "fastapi.applications.FastAPI" || q == "starlette.applications.Starlette" ||
        q == "quart.Quart" || q == "quart.app.Quart") {
      d.asgi_apps.push_back(Evidence{std::string(basename(q)) + " application", where, std::string(basename(q)), ""});
    } else if (q == "mangum.Mangum" || q == "mangum.adapter.Mangum") {
      d.serverless.push_back(Evidence{"Mangum wraps the ASGI app as an AWS Lambda handler", where, "AWS Lambda", ""});
    } else if (q.starts_with("aws_cdk.aws_lambda") &&
               (q.ends_with(".Function") || q.ends_with(".PythonFunction") || q.ends_with(".DockerImageFunction"))) {
      d.serverless.push_back(Evidence{"the CDK app declares a Lambda function (" + std::string(basename(q)) + ")", where,
                                      "AWS Lambda", ""});
    } else if (q == "multiprocessing.Pool" || q == "multiprocessing.pool.Pool" || q == "multiprocessing.Process" ||
               q == "concurrent.futures.ProcessPoolExecutor") {
      ServerProcess p;
      p.server = "multiprocessing";
      p.where = where;
      p.command = std::string(call.module.text(call.callee_node));
      // The fork start method (Linux's default before Python 3.14) inherits the parent's sockets.
      p.preload = true;
      p.preload_where = where;
      if (call.args.find("mp_context") || call.args.find("context")) p.forks = false;  // start method not known
      if (const py::Argument* init = call.args.find("initializer")) {
        d.fork_hooks.push_back(ForkHook{"initializer=" + init->value->render(), init->where});
      }
      d.processes.push_back(std::move(p));
    }
  }
  // `worker_process_init.connect(reset_engine)`: Celery runs it in each pool process.
  if (call.method == "connect" && call.receiver && call.receiver->kind == ValueKind::kSymbol &&
      call.receiver->text.ends_with("worker_process_init")) {
    if (const py::Argument* fn = call.args.at(0)) d.fork_hooks.push_back(ForkHook{"worker_process_init", fn->where});
  }
  if (call.method == "dispose") {
    if (const py::Argument* close = call.args.find("close");
        close && close->value->kind == ValueKind::kBool && !close->value->boolean) {
      d.fork_hooks.push_back(ForkHook{"dispose(close=False)", where});
    }
  }
  // Connections opened while the module is imported (or by a function it calls then).
  std::string what;
  int engine = -1;
  std::string symbol;
  if (call.receiver && (call.method == "connect" || call.method == "begin" || call.method == "execute" ||
                        call.method == "raw_connection")) {
    if (is_engine_value(*call.receiver, facts)) engine = call.receiver->object_id;
    else if (call.receiver->kind == ValueKind::kSymbol && call.receiver->text.rfind('@', 0) != 0) symbol = call.receiver->text;
    if (engine >= 0 || !symbol.empty()) what = std::string(call.module.text(call.callee_node)) + "()";
  } else if (call.method == "create_all" || call.method == "reflect") {
    const py::Argument* bind = call.args.get("bind", 0);
    if (bind && is_engine_value(*bind->value, facts)) engine = bind->value->object_id;
    else if (bind && bind->value->kind == ValueKind::kSymbol && bind->value->text.rfind('@', 0) != 0) symbol = bind->value->text;
    if (engine >= 0 || !symbol.empty()) {
      const std::string name = engine >= 0 ? facts.engines[static_cast<size_t>(engine)].assigned_to
                                            : std::string(last_component(symbol));
      what = std::string(call.module.text(call.callee_node)) + "(" + name + ")";
    }
  }
  const bool module_level = call.scope.function < 0 && call.scope.class_index < 0;
  if (!what.empty()) {
    if (module_level && under_main_guard(call)) return;
    ImportTimeConnect c{where, what, engine, symbol, ""};
    if (!module_level) c.through = std::string(kInFunction) + std::to_string(call.scope.function);
    d.import_connects.push_back(std::move(c));
    return;
  }
  // A project function called at module level, or by a function (an app factory calling
  // init_db()): it connects if its body does, followed a few calls deep in this file.
  if (callee.kind == ValueKind::kFunction && callee.object_id >= 0 && !(module_level && under_main_guard(call))) {
    ImportTimeConnect c{where, std::string(kCallsFunction) + std::to_string(callee.object_id), -1, "", ""};
    if (!module_level) c.through = std::string(kInFunction) + std::to_string(call.scope.function);
    d.import_connects.push_back(std::move(c));
  }
}

/// Connects and project-function calls recorded inside each function, by its scope key.
using ByScope = std::map<std::string, std::vector<const ImportTimeConnect*>>;

/// The first connecting statement reached from the body of function `index`, following calls of
/// this file's functions up to three deep (breadth first, each function once, at most 64 of them).
std::optional<ImportTimeConnect> connect_in(const ByScope& by_scope, const std::string& index) {
  std::vector<std::string> queue{index};
  for (size_t next = 0, level_end = 1, depth = 0; next < queue.size() && next < 64 && depth < 3; ++next) {
    if (auto body = by_scope.find(std::string(kInFunction) + queue[next]); body != by_scope.end()) {
      for (const ImportTimeConnect* inner : body->second) {
        if (!inner->what.starts_with(kCallsFunction)) return *inner;
        const std::string callee = inner->what.substr(kCallsFunction.size());
        if (std::find(queue.begin(), queue.end(), callee) == queue.end()) queue.push_back(callee);
      }
    }
    if (next + 1 == level_end) {
      level_end = queue.size();
      ++depth;
    }
  }
  return std::nullopt;
}

void collect_python_deployment(const py::Module& module, FileFacts& facts) {
  DeploymentFacts& d = facts.deployment;
  // A call is observed once per branch combination that reaches it: keep one of each.
  auto unique = [](auto& list, auto key) {
    std::vector<std::remove_reference_t<decltype(list[0])>> kept;
    for (auto& item : list) {
      if (std::none_of(kept.begin(), kept.end(), [&](const auto& k) { return key(k) == key(item); })) kept.push_back(item);
    }
    list = std::move(kept);
  };
  unique(d.serverless, [](const Evidence& e) { return std::pair(e.where.range, e.what); });
  unique(d.asgi_apps, [](const Evidence& e) { return e.where.range; });
  unique(d.processes, [](const ServerProcess& p) { return p.where.range; });
  unique(d.fork_hooks, [](const ForkHook& h) { return h.where.range; });
  unique(d.import_connects, [](const ImportTimeConnect& c) { return std::tuple(c.where.range, c.what, c.through); });
  const auto& functions = module.functions();
  // Module-level calls of project functions that connect become import-time connects.
  std::vector<ImportTimeConnect> connects;
  std::map<std::string, std::optional<ImportTimeConnect>> reached;  // per called function, computed once
  ByScope by_scope;
  for (const ImportTimeConnect& c : d.import_connects) {
    if (c.through.starts_with(kInFunction)) by_scope[c.through].push_back(&c);
  }
  for (const ImportTimeConnect& c : d.import_connects) {
    if (c.through.starts_with(kInFunction)) continue;
    if (!c.what.starts_with(kCallsFunction)) {
      connects.push_back(c);
      continue;
    }
    const std::string index = c.what.substr(kCallsFunction.size());
    const auto number = to_int(index);
    if (!number || *number < 0 || static_cast<size_t>(*number) >= functions.size()) continue;
    auto [found, fresh] = reached.try_emplace(index);
    if (fresh) found->second = connect_in(by_scope, index);
    if (const auto& inner = found->second) {
      const py::FunctionInfo& fn = functions[static_cast<size_t>(*number)];
      connects.push_back(ImportTimeConnect{c.where, inner->what, inner->engine, inner->engine_symbol, fn.name});
    }
  }
  d.import_connects = std::move(connects);
  const std::string file = std::string(basename(facts.path));
  const bool gunicorn_conf = file.starts_with("gunicorn") && file.ends_with(".py");
  for (const py::FunctionInfo& fn : functions) {
    const bool top = fn.parent_function < 0 && fn.class_name.empty();
    if (top && fn.name == "lambda_handler" && fn.parameters.size() == 2) {
      d.serverless.push_back(Evidence{"module-level `lambda_handler(" + fn.parameters[0] + ", " + fn.parameters[1] +
                                          ")`, AWS Lambda's default handler name",
                                      fn.where, "AWS Lambda", ""});
    }
    for (size_t i = 0; i < fn.decorators.size(); ++i) {
      const py::Value& dec = fn.decorators[i];
      if (dec.kind == ValueKind::kSymbol && dec.text.starts_with("functions_framework.")) {
        d.serverless.push_back(Evidence{"`@" + dec.text + "` makes `" + fn.name + "` a Google Cloud Function", fn.where,
                                        "Google Cloud Functions", ""});
      }
    }
    // Hooks that run in each forked child: dispose() there drops the parent's connections.
    std::string hook;
    if (fn.name == "post_fork" || fn.name == "post_worker_init") hook = fn.name;
    for (const std::string& t : fn.decorator_texts) {
      if (t.find("worker_process_init") != std::string::npos) hook = "worker_process_init";
    }
    if (hook.empty()) continue;
    for (const DisposeCall& call : facts.disposals) {
      if (call.function == fn.qualified_name) d.fork_hooks.push_back(ForkHook{hook, call.where});
    }
  }
  // `os.environ.get("AWS_LAMBDA_FUNCTION_NAME")` and friends: the code expects to run on Lambda.
  const std::string_view text = module.source().text();
  for (const char* needle : {"AWS_LAMBDA_", "LAMBDA_TASK_ROOT"}) {
    const size_t pos = text.find(needle);
    if (pos == std::string_view::npos) continue;
    const auto offset = static_cast<uint32_t>(pos);
    const size_t end = text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_", pos);
    d.serverless.push_back(Evidence{"the code reads " + std::string(text.substr(pos, end - pos)) + ", set only on AWS Lambda",
                                    module.source().location(offset, offset), "AWS Lambda", ""});
    break;
  }
  if (!gunicorn_conf) return;
  ServerProcess p;
  p.server = "gunicorn";
  p.where = core::Location{facts.path, {{1, 1}, {1, 1}}};
  p.directory = dirname(facts.path);
  bool any = false;
  for (const auto& [name, alts] : module.globals()) {
    if (alts.size() != 1) continue;
    const py::Value& v = *alts[0].value;
    const std::string origin = at(v.origin.valid() ? v.origin : p.where);
    if (name == "workers" || name == "threads") {
      if (v.kind != ValueKind::kInt) continue;
      any = true;
      const int n = static_cast<int>(v.integer);
      if (name == "workers") {
        p.workers = n;
        p.workers_origin = origin + " (`workers = " + std::to_string(n) + "`" + (v.overridable ? ", a default the environment can override" : "") + ")";
      } else {
        p.threads = n;
      }
    } else if (name == "worker_class" && v.kind == ValueKind::kString) {
      p.worker_class = v.text;
      any = true;
    } else if (name == "preload_app" && v.kind == ValueKind::kBool) {
      p.preload = v.boolean;
      p.preload_where = v.origin.valid() ? v.origin : p.where;
      any = true;
    } else if (name == "bind") {
      any = true;
    }
  }
  if (any) d.processes.push_back(std::move(p));
}

// ---------------------------------------------------------------------------------------------
// Project phase

namespace {

bool covers(const std::string& scope, std::string_view path) {
  return scope.empty() || (path.starts_with(scope) && path.size() > scope.size() && path[scope.size()] == '/');
}

int depth(const std::string& scope) {
  return scope.empty() ? 0 : 1 + static_cast<int>(std::count(scope.begin(), scope.end(), '/'));
}

/// `4`, `$WEB_CONCURRENCY`, `${WEB_CONCURRENCY:-4}`: the number and where it came from.
std::optional<int> resolve_count(const std::string& text, const DeploymentFacts& d, std::string& origin) {
  if (auto n = to_int(text)) {
    origin = "`" + text + "`";
    return n;
  }
  std::string var = text;
  std::string fallback;
  if (var.starts_with("${") && var.ends_with("}")) {
    var = var.substr(2, var.size() - 3);
    if (const size_t dash = var.find(":-"); dash != std::string::npos) {
      fallback = var.substr(dash + 2);
      var = var.substr(0, dash);
    }
  } else if (var.starts_with("$")) {
    var = var.substr(1);
  } else {
    return std::nullopt;
  }
  if (const EnvVariable* v = find_env(d, var)) {
    if (auto n = to_int(v->value)) {
      origin = var + "=" + v->value + " from " + at(v->where);
      return n;
    }
  }
  if (auto n = to_int(fallback)) {
    origin = "the default of `" + text + "`";
    return n;
  }
  return std::nullopt;
}

bool is_web_server(const ServerProcess& p) {
  return p.server == "gunicorn" || p.server == "uvicorn" || p.server == "hypercorn" || p.server == "configured";
}

void resolve_processes(DeploymentFacts& d, const ProjectContext& context) {
  // gunicorn reads ./gunicorn.conf.py (or -c FILE): its settings fill what the command line leaves out.
  const ServerProcess* conf = nullptr;
  for (const ServerProcess& p : d.processes) {
    if (p.server == "gunicorn" && p.command.empty()) conf = &p;
  }
  const bool command_lines = std::any_of(d.processes.begin(), d.processes.end(), [](const ServerProcess& p) {
    return p.server == "gunicorn" && !p.command.empty();
  });
  std::vector<ServerProcess> out;
  for (ServerProcess p : d.processes) {
    if (p.server == "gunicorn" && p.command.empty()) {
      if (!command_lines) out.push_back(std::move(p));
      continue;
    }
    if (!p.command.empty() && p.server != "multiprocessing") {
      const std::string written = p.workers_origin;
      p.workers_origin.clear();
      std::string how;
      if (!written.empty()) {
        p.workers = resolve_count(written, d, how);
        if (p.workers) p.workers_origin = at(p.where) + " (" + (how.front() == '`' ? "`" + std::string(p.server == "celery" ? "--concurrency " : "--workers ") + written + "`" : how) + ")";
      } else if (p.server == "gunicorn" && conf && (conf->workers || conf->preload || conf->threads || !conf->worker_class.empty())) {
        p.workers = conf->workers;
        p.workers_origin = conf->workers_origin;
        if (!p.threads) p.threads = conf->threads;
        if (p.worker_class.empty()) p.worker_class = conf->worker_class;
        if (!p.preload && conf->preload) {
          p.preload = true;
          p.preload_where = conf->preload_where;
        }
      }
      if (!p.workers && written.empty() && p.server != "celery") {
        // gunicorn and uvicorn default to $WEB_CONCURRENCY, else one worker.
        if (const EnvVariable* v = find_env(d, "WEB_CONCURRENCY"); v && to_int(v->value)) {
          p.workers = to_int(v->value);
          p.workers_origin = "WEB_CONCURRENCY=" + v->value + " from " + at(v->where);
        } else {
          p.workers = 1;
          p.workers_origin = at(p.where) + " (" + p.server + "'s default: 1 worker; WEB_CONCURRENCY is not set in the project's files)";
        }
      }
    }
    out.push_back(std::move(p));
  }
  d.processes = std::move(out);
  if (context.config_workers) {
    const std::string origin = "config `workers = " + std::to_string(*context.config_workers) + "`" +
                               (context.config_origin.empty() ? "" : " (" + context.config_origin + ")");
    bool any = false;
    for (ServerProcess& p : d.processes) {
      if (!is_web_server(p)) continue;
      p.workers = context.config_workers;
      p.workers_origin = origin;
      any = true;
    }
    if (!any) {
      ServerProcess p;
      p.server = "configured";
      p.workers = context.config_workers;
      p.workers_origin = origin;
      p.forks = false;
      p.where = core::Location{context.config_origin, {{1, 1}, {1, 1}}};
      d.processes.push_back(std::move(p));
    }
  }
}

bool is_placeholder_url(const DatabaseUrl& url) {
  const std::string host = lower(url.host);
  if (url.text.find('$') != std::string::npos || url.text.find('<') != std::string::npos ||
      url.text.find('{') != std::string::npos) {
    return true;
  }
  return !url.is_sqlite() && (host.empty() || host.find("example") != std::string::npos ||
                              host.find("your") != std::string::npos || host == "host" || host == "hostname");
}

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

const EnvVariable* find_env(const DeploymentFacts& deployment, std::string_view name, std::string_view near) {
  const EnvVariable* best = nullptr;
  int best_rank = 99;
  for (const EnvVariable& v : deployment.env) {
    if (v.name != name) continue;
    // Files beside the code first; a real .env, then compose / platform files, then templates.
    const bool dotenv = basename(v.where.path).starts_with(".env");
    const int rank = (near.empty() || covers(dirname(v.where.path), near) ? 0 : 3) + (v.example ? 2 : dotenv ? 0 : 1);
    if (rank < best_rank) {
      best = &v;
      best_rank = rank;
    }
  }
  return best;
}

std::optional<DatabaseUrl> environment_url(const DeploymentFacts& deployment, std::string_view name,
                                           std::string_view near, const EnvVariable** from) {
  const EnvVariable* v = find_env(deployment, name, near);
  if (!v) return std::nullopt;
  auto url = parse_database_url(v->value, false);
  if (!url || url->partial || is_placeholder_url(*url)) return std::nullopt;
  if (from) *from = v;
  return url;
}

void merge_deployment(ProjectFacts& facts, std::vector<DeploymentFacts> from_files, const std::vector<std::string>& roots) {
  DeploymentFacts& d = facts.deployment;
  auto append = [&](DeploymentFacts& part, bool python) {
    for (Evidence& e : part.serverless) {
      if (python) {
        e.scope.clear();
        for (const std::string& r : roots) {
          if (covers(r, e.where.path) && r.size() > e.scope.size()) e.scope = r;
        }
      }
      d.serverless.push_back(std::move(e));
    }
    for (Evidence& e : part.servers) d.servers.push_back(std::move(e));
    for (Evidence& e : part.frontend_only) d.frontend_only.push_back(std::move(e));
    for (Evidence& e : part.asgi_apps) d.asgi_apps.push_back(std::move(e));
    for (PoolerEndpoint& p : part.poolers) d.poolers.push_back(std::move(p));
    for (ServerProcess& p : part.processes) d.processes.push_back(std::move(p));
    for (EnvVariable& v : part.env) d.env.push_back(std::move(v));
    for (ForkHook& h : part.fork_hooks) d.fork_hooks.push_back(std::move(h));
    for (ImportTimeConnect& c : part.import_connects) d.import_connects.push_back(std::move(c));
    for (std::string& s : part.vercel_dirs) d.vercel_dirs.push_back(std::move(s));
    if (part.max_connections && !d.max_connections) {
      d.max_connections = part.max_connections;
      d.max_connections_where = part.max_connections_where;
    }
  };
  for (DeploymentFacts& part : from_files) append(part, false);
  for (FileFacts& f : facts.files) append(f.deployment, true);
  for (FileFacts& f : facts.files) {
    // The per-file copies moved into the project's facts; import-time connects stay per file for rules.
    f.deployment = DeploymentFacts{};
  }
  // vercel.json with Python files under api/ beside it: Vercel Python functions.
  for (const std::string& dir : d.vercel_dirs) {
    const std::string api = (dir.empty() ? "" : dir + "/") + "api/";
    for (const FileFacts& f : facts.files) {
      if (!f.path.starts_with(api) || !f.path.ends_with(".py")) continue;
      auto it = std::find_if(d.frontend_only.begin(), d.frontend_only.end(),
                             [&](const Evidence& e) { return e.scope == dir; });
      const core::Location where = it != d.frontend_only.end() ? it->where : core::Location{f.path, {{1, 1}, {1, 1}}};
      d.serverless.push_back(Evidence{"vercel.json with a Python function in " + f.path, where, "Vercel", dir});
      if (it != d.frontend_only.end()) d.frontend_only.erase(it);
      break;
    }
  }
  resolve_processes(d, facts.context);
  auto by_where = [](const auto& a, const auto& b) {
    return std::tie(a.where.path, a.where.range.begin) < std::tie(b.where.path, b.where.range.begin);
  };
  std::stable_sort(d.serverless.begin(), d.serverless.end(), by_where);
  std::stable_sort(d.servers.begin(), d.servers.end(), by_where);
  std::stable_sort(d.processes.begin(), d.processes.end(), by_where);
  std::stable_sort(d.poolers.begin(), d.poolers.end(), by_where);
  std::stable_sort(d.env.begin(), d.env.end(), by_where);
  std::stable_sort(d.fork_hooks.begin(), d.fork_hooks.end(), by_where);
  std::stable_sort(d.import_connects.begin(), d.import_connects.end(), by_where);
}

std::optional<bool> runs_serverless(const ProjectFacts& facts, const FileFacts& file, const EngineConfig& config,
                                    std::vector<core::Note>* why) {
  for (const core::Note& n : config.branch_notes) {
    if (auto v = serverless_condition(n.message)) {
      if (*v && facts.context.config_serverless == std::optional<bool>(false)) return false;
      if (why) why->push_back(core::Note{n.where, std::string("this configuration is the ") +
                                                      (*v ? "serverless" : "non-serverless") + " one"});
      return *v;
    }
  }
  if (facts.context.config_serverless) {
    if (why && *facts.context.config_serverless) {
      why->push_back(core::Note{core::Location{facts.context.config_origin, {{1, 1}, {1, 1}}}, "config `serverless = true`"});
    }
    return facts.context.config_serverless;
  }
  const DeploymentFacts& d = facts.deployment;
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

bool concurrent_workers(const DeploymentFacts& deployment) {
  for (const ServerProcess& p : deployment.processes) {
    if (!is_web_server(p) || p.server == "configured") continue;
    if (p.server == "uvicorn" || p.server == "hypercorn" || p.threads.value_or(1) > 1) return true;
    const std::string k = lower(p.worker_class);
    for (const char* async_class : {"uvicorn", "gevent", "eventlet", "gthread", "tornado", "aiohttp"}) {
      if (k.find(async_class) != std::string::npos) return true;
    }
  }
  return false;
}

bool long_lived(const FileFacts& file, const EngineSite& site) {
  return site.function.empty() && !file.is_test && !file.is_alembic_env && !file.is_script;
}

std::string Budget::describe() const {
  std::string sum;
  for (const BudgetTerm& t : engines) {
    sum += (sum.empty() ? "" : " + ") + (t.per_process ? std::to_string(*t.per_process) : std::string("unbounded"));
  }
  std::string out = std::to_string(processes) + (processes == 1 ? " process" : " processes") + " × (" + sum + ") = ";
  out += total ? std::to_string(*total) : std::string("unbounded");
  out += exceeds() ? " > " : " ≤ ";
  out += std::to_string(limit) + " (" + limit_origin + ")";
  return out;
}

namespace {

/// pool_size + max_overflow of one configuration; nullopt = uncountable, set `unbounded` for no limit.
std::optional<int> capacity(const ProjectFacts& facts, const EngineSite& site, const EngineConfig& c, bool& unbounded,
                            std::string& arithmetic) {
  if (!is_queue_pool(c.pool.kind) || c.pool.instance || !c.complete) return std::nullopt;
  int size = 5;
  int overflow = 10;
  std::string size_origin = "SQLAlchemy's default";
  std::string overflow_origin = "SQLAlchemy's default";
  const bool fsa2_mysql = site.flask_sqlalchemy && c.url && c.url->is_mysql() && facts.context.flask_sqlalchemy &&
                          facts.context.flask_sqlalchemy->major < 3;
  if (fsa2_mysql) {
    size = 10;
    size_origin = "Flask-SQLAlchemy 2.x's default for MySQL";
  }
  for (auto [name, value, origin] : {std::tuple{"pool_size", &size, &size_origin}, std::tuple{"max_overflow", &overflow, &overflow_origin}}) {
    const py::Argument* a = c.arg(name);
    if (!a) continue;
    if (a->value->kind != ValueKind::kInt) return std::nullopt;
    *value = static_cast<int>(a->value->integer);
    *origin = at(a->value->origin.valid() ? a->value->origin : a->where);
    if (a->value->overridable) *origin += ", a default the environment can override";
  }
  // pool_size=0 means no limit on the pool; max_overflow=-1 means unlimited overflow (pool/impl.py).
  unbounded = size == 0 || overflow < 0;
  arithmetic = "pool_size " + std::to_string(size) + " (" + size_origin + ") + max_overflow " + std::to_string(overflow) +
               " (" + overflow_origin + ")";
  return unbounded ? 0 : size + overflow;
}

}  // namespace

std::vector<Budget> connection_budgets(const ProjectFacts& facts) {
  const DeploymentFacts& d = facts.deployment;
  // Alternative declarations of the web tier (Procfile, Dockerfile) are not added up: the largest
  // counts. Celery workers run beside it.
  int web = 0;
  std::string web_origin;
  core::Location web_where;
  int others = 0;
  std::string others_origin;
  for (const ServerProcess& p : d.processes) {
    if (!p.workers) continue;
    if (is_web_server(p)) {
      if (*p.workers > web) {
        web = *p.workers;
        web_origin = p.server + " " + std::to_string(*p.workers) + " from " + p.workers_origin;
        web_where = p.where;
      }
    } else if (p.server == "celery") {
      others += *p.workers;
      if (!web_where.valid()) web_where = p.where;
      others_origin += " + Celery " + std::to_string(*p.workers) + " from " + p.workers_origin;
    }
  }
  const int processes = web + others;
  if (processes == 0) return {};
  std::vector<Budget> out;
  for (const FileFacts& file : facts.files) {
    for (const EngineSite& site : file.engines) {
      if (!long_lived(file, site) || site.configs.empty()) continue;
      std::optional<int> worst;
      bool unbounded_any = false;
      bool countable = true;
      std::string arithmetic;
      const EngineConfig* first = nullptr;
      for (const EngineConfig& c : site.configs) {
        if (runs_serverless(facts, file, c) == std::optional<bool>(true)) continue;
        if (c.url && c.url->is_sqlite()) continue;
        if (c.pool.kind == Pool::kNull) continue;  // one connection per concurrent operation, not per slot
        bool unbounded = false;
        std::string text;
        auto cap = capacity(facts, site, c, unbounded, text);
        if (!cap) {
          countable = false;
          break;
        }
        if (!first) first = &c;
        unbounded_any = unbounded_any || unbounded;
        if (!worst || *cap > *worst) {
          worst = cap;
          arithmetic = text;
        }
      }
      if (!countable || !first) continue;
      std::string server;
      if (first->url && !first->url->host.empty()) server = first->url->shown_host() + (first->url->port.empty() ? "" : ":" + first->url->shown_port());
      auto it = std::find_if(out.begin(), out.end(), [&](const Budget& b) { return b.server == server; });
      if (it == out.end()) {
        Budget b;
        b.server = server;
        b.processes = processes;
        b.processes_origin = web_origin + others_origin;
        b.processes_where = web_where;
        if (b.processes_origin.rfind(" + ", 0) == 0) b.processes_origin = b.processes_origin.substr(3);
        if (facts.context.config_max_connections) {
          b.limit = *facts.context.config_max_connections;
          b.limit_origin = "config `max-connections`" + (facts.context.config_origin.empty() ? "" : " in " + facts.context.config_origin);
        } else if (d.max_connections) {
          b.limit = *d.max_connections;
          b.limit_origin = "max_connections=" + std::to_string(*d.max_connections) + " at " + at(d.max_connections_where);
        } else if (first->url && first->url->is_mysql()) {
          b.limit = 151;
          b.limit_origin = "MySQL/MariaDB's default max_connections";
        } else {
          b.limit = 100;
          b.limit_origin = "PostgreSQL's default max_connections";
        }
        out.push_back(std::move(b));
        it = out.end() - 1;
      }
      BudgetTerm term{&site, &file, unbounded_any ? std::nullopt : worst,
                      (site.assigned_to.empty() ? std::string("engine") : site.assigned_to) + " at " + at(site.where) + ": " + arithmetic};
      it->engines.push_back(std::move(term));
    }
  }
  for (Budget& b : out) {
    int sum = 0;
    bool bounded = true;
    for (const BudgetTerm& t : b.engines) {
      if (!t.per_process) bounded = false;
      else sum += *t.per_process;
    }
    b.total = bounded ? std::optional<int>(sum * b.processes) : std::nullopt;
  }
  return out;
}

std::string platform_summary(const ProjectFacts& facts) {
  const DeploymentFacts& d = facts.deployment;
  if (facts.context.config_serverless == std::optional<bool>(true)) return "serverless (config)";
  std::vector<std::string> names;
  auto add = [&](const std::string& n) {
    if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  if (facts.context.config_serverless != std::optional<bool>(false)) {
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

void dump(const DeploymentFacts& d, std::ostream& out) {
  for (const Evidence& e : d.serverless) out << "serverless " << e.platform << ": " << e.what << " @" << at(e.where) << " scope=" << e.scope << "\n";
  for (const Evidence& e : d.servers) out << "server " << e.what << " @" << at(e.where) << "\n";
  for (const ServerProcess& p : d.processes) {
    out << "process " << p.server << " workers=" << (p.workers ? std::to_string(*p.workers) : "?") << " (" << p.workers_origin << ")"
        << (p.forks ? " forks" : " spawns") << (p.preload ? " preload" : "") << " @" << at(p.where) << "\n";
  }
  for (const PoolerEndpoint& p : d.poolers) out << "pooler " << p.host << ":" << p.port << " mode=" << p.mode << " @" << at(p.where) << "\n";
  for (const EnvVariable& v : d.env) {
    // Only URLs are shown (masked): other values may be secrets.
    const std::string shown = v.value.find("://") != std::string::npos ? core::mask_url(v.value) : "<set>";
    out << "env " << v.name << "=" << shown << (v.example ? " (example)" : "") << " @" << at(v.where) << "\n";
  }
  for (const ForkHook& h : d.fork_hooks) out << "fork-hook " << h.hook << " @" << at(h.where) << "\n";
  for (const ImportTimeConnect& c : d.import_connects) {
    out << "import-time-connect " << c.what << (c.through.empty() ? "" : " through " + c.through) << " @" << at(c.where) << "\n";
  }
}

}  // namespace sqla
