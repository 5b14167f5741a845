// docker-compose files: service commands, environment, PgBouncer services, the database's max_connections.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/command_line.h"
#include "sqla/deployment/helpers.h"
#include "sqla/deployment/yaml_helpers.h"
#include "sqla/services.h"

namespace sqla::deploy {
namespace {

using core::lower;

bool is_compose(std::string_view name, std::string_view) {
  return (name.starts_with("docker-compose") || name.starts_with("compose")) &&
         (name.ends_with(".yml") || name.ends_with(".yaml"));
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

// The official images' password variables: a service that sets one is a database server even when
// it is built from the project's own Dockerfile.
constexpr std::string_view kDatabasePasswordVariables[] = {
    "postgres_password", "mysql_password", "mysql_root_password", "mariadb_password",
    "mariadb_root_password"};

/// A database service the project runs (an official database image, or a service setting one of
/// the images' password variables), with the passwords its environment declares.
void read_compose_database(const std::string& service, const YAML::Node& body, const std::string& image,
                           const std::string& path, DeploymentFacts& out) {
  DeploymentFacts env;
  read_yaml_env(body["environment"], path, env);
  ComposeDatabase db;
  bool sets_database_password = false;
  for (const EnvVariable& v : env.env) {
    const std::string key = lower(v.name);
    if (!key.ends_with("password")) continue;
    db.passwords.push_back(v.value);
    for (std::string_view known : kDatabasePasswordVariables) sets_database_password |= key == known;
  }
  if (image_family(image).empty() && !sets_database_password) return;
  db.hosts.push_back(service);
  for (const char* alias : {"hostname", "container_name"}) {
    if (const std::string name = scalar(body[alias]); !name.empty()) db.hosts.push_back(name);
  }
  db.image = image;
  db.where = mark_location(path, body);
  out.compose_databases.push_back(std::move(db));
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
    read_compose_database(scalar(svc.first), body, image, path, out);
    if (!image_family(image).empty()) {
      // The project runs this database: evidence of its dialect (dialect_evidence.h).
      out.database_servers.push_back(Evidence{image, mark_location(path, body["image"]), {}, {}});
    }
    // `build: ./api` (or `build: {context: ./api}`): the service runs the code of that directory,
    // so what it sets and runs belongs to the repository's service there (services.h).
    const YAML::Node build = body["build"];
    const std::string code_dir =
        code_directory(core::dirname(path), scalar(build && build.IsMap() ? build["context"] : build));
    const size_t env_before = out.env.size();
    const size_t processes_before = out.processes.size();
    struct Target {  // marks what this compose service added, on every path out of this iteration
      DeploymentFacts& d;
      const std::string& dir;
      size_t env, processes;
      ~Target() {
        if (dir.empty()) return;
        for (size_t i = env; i < d.env.size(); ++i) d.env[i].code_dir = dir;
        for (size_t i = processes; i < d.processes.size(); ++i) d.processes[i].code_dir = dir;
      }
    } target{out, code_dir, env_before, processes_before};
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

}  // namespace

extern const DeploymentFormat kCompose{"docker-compose file", Describes::kService,
    is_compose, read_compose, nullptr, nullptr};

}  // namespace sqla::deploy
