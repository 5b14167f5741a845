// Services in one repository: discovery, the files and deployment facts each one gets, and the
// contexts rules and the report read (sqla/services.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "app/analyze.h"
#include "sqla/deployment.h"
#include "sqla/deployment/command_line.h"
#include "sqla/facts.h"
#include "sqla/services.h"
#include "tests/temp_dir.h"

namespace {

/// Markers from a table instead of the disk.
sqla::MarkersOf table(std::map<std::string, std::vector<std::string>> markers) {
  return [markers = std::move(markers)](const std::string& dir) {
    auto it = markers.find(dir);
    return it == markers.end() ? std::vector<std::string>{} : it->second;
  };
}

std::vector<std::string> paths_of(const std::vector<sqla::Service>& services) {
  std::vector<std::string> out;
  for (const sqla::Service& s : services) out.push_back(s.path);
  return out;
}

sqla::FileFacts file_at(const std::string& path) {
  sqla::FileFacts f;
  f.path = path;
  return f;
}

sqla::ServerProcess process(const std::string& server, const std::string& directory, const std::string& code_dir = {}) {
  sqla::ServerProcess p;
  p.server = server;
  p.directory = directory;
  p.code_dir = code_dir;
  p.command = server + " app:app";
  p.where = core::Location{(directory.empty() ? "" : directory + "/") + "Procfile", {{1, 1}, {1, 1}}};
  return p;
}

}  // namespace

TEST_CASE("services: the nearest directories with a manifest or deployment files, the audit root as the fallback") {
  const auto markers = table({{"lambda", {"serverless.yml", "requirements.txt"}},
                              {"web", {"Dockerfile", "requirements.txt"}},
                              {"docker", {"Dockerfile"}},
                              {"web/app", {}}});
  const std::vector<std::string> python = {"lambda/handler.py", "web/app/main.py", "web/app/db.py", "shared/db.py"};
  const std::vector<sqla::Service> services = sqla::find_services(python, {""}, markers);
  // docker/ holds no Python: its Dockerfile deploys the code above it, it is no service.
  CHECK(paths_of(services) == std::vector<std::string>{"", "lambda", "web"});
  CHECK(services[1].markers == std::vector<std::string>{"serverless.yml", "requirements.txt"});
  CHECK(sqla::service_holding(services, "web/app") == std::optional<size_t>(2));
  CHECK(sqla::service_holding(services, "shared") == std::optional<size_t>(0));
  CHECK(sqla::service_holding(services, "webhooks") == std::optional<size_t>(0));  // not below web/
  // Directories above the audit root are not looked at: `poolaudit backend` is one service.
  CHECK(paths_of(sqla::find_services({"backend/app/db.py"}, {"backend"}, table({{"", {"pyproject.toml"}}}))) ==
        std::vector<std::string>{"backend"});
}

TEST_CASE("services: a deployment file's relative path names the directory whose code it deploys") {
  CHECK(sqla::code_directory("", "./services/web") == "services/web");
  CHECK(sqla::code_directory("", "services/orders/") == "services/orders");
  CHECK(sqla::code_directory("deploy", "../api") == "api");
  CHECK(sqla::code_directory("deploy", ".") == "");         // its own directory
  CHECK(sqla::code_directory("", "..").empty());            // outside the tree
  CHECK(sqla::code_directory("", "${BUILD_DIR}").empty());  // not known
  CHECK(sqla::code_directory("", "s3://bucket/code.zip").empty());
}

TEST_CASE("services: deployment facts go to the service whose code they deploy") {
  sqla::ProjectFacts facts;
  facts.services = {{"", {"docker-compose.yml"}, {}}, {"lambda", {"requirements.txt"}, {}}, {"web", {"Dockerfile"}, {}}};
  facts.files = {file_at("lambda/handler.py"), file_at("web/app.py"), file_at("shared/db.py")};
  sqla::assign_files_to_services(facts);
  CHECK(facts.files[0].service == 1);
  CHECK(facts.files[1].service == 2);
  CHECK(facts.files[2].service == 0);

  sqla::DeploymentFacts gathered;
  // A root serverless.yml whose handler is lambda/handler.main deploys lambda/.
  sqla::Evidence lambda{"serverless.yml declares the AWS Lambda function `f`", {"serverless.yml", {{9, 3}, {9, 3}}},
                        "AWS Lambda", ""};
  lambda.code_dir = "lambda";
  gathered.serverless.push_back(lambda);
  gathered.processes.push_back(process("gunicorn", "", "web"));  // compose `build: ./web`
  gathered.processes.push_back(process("celery", ""));           // the root's own
  gathered.poolers.push_back(sqla::PoolerEndpoint{"pgbouncer", 6432, "transaction", {}});
  sqla::EnvVariable root_env{"WEB_CONCURRENCY", "3", {".env", {{1, 1}, {1, 1}}}, false};
  sqla::EnvVariable web_env{"WEB_CONCURRENCY", "5", {"web/.env", {{1, 1}, {1, 1}}}, false};
  gathered.env = {root_env, web_env};
  sqla::split_deployment(facts, gathered);

  const sqla::DeploymentFacts& root = facts.services[0].deployment;
  const sqla::DeploymentFacts& in_lambda = facts.services[1].deployment;
  const sqla::DeploymentFacts& web = facts.services[2].deployment;
  CHECK(root.serverless.empty());
  REQUIRE(in_lambda.serverless.size() == 1);
  CHECK(web.serverless.empty());
  REQUIRE(web.processes.size() == 1);
  CHECK(web.processes[0].server == "gunicorn");
  REQUIRE(root.processes.size() == 1);
  CHECK(root.processes[0].server == "celery");
  CHECK(in_lambda.processes.empty());
  // One database for all: every service sees the pooler.
  CHECK(in_lambda.poolers.size() == 1);
  CHECK(web.poolers.size() == 1);
  // A service's own environment wins over the root's, which it still inherits.
  CHECK(sqla::find_env(web, "WEB_CONCURRENCY")->value == "5");
  CHECK(sqla::find_env(in_lambda, "WEB_CONCURRENCY")->value == "3");
  CHECK(sqla::find_env(root, "WEB_CONCURRENCY")->value == "3");

  // Rules ask for the context of a file's service.
  CHECK(&sqla::deployment_of(facts, facts.files[0]) == &in_lambda);
  CHECK(&sqla::deployment_of(facts, facts.files[2]) == &root);
  sqla::ProjectFacts single;
  single.services = {{"", {}, {}}};
  single.files = {file_at("app.py")};
  CHECK(&sqla::deployment_of(single, single.files[0]) == &single.deployment);
}

TEST_CASE("services: a Lambda service and a gunicorn service each get their own context") {
  tests::TempDir dir;
  dir.write("serverless.yml",
            "service: orders\nprovider:\n  name: aws\nfunctions:\n  place:\n    handler: services/orders/handler.main\n");
  dir.write("docker-compose.yml",
            "services:\n  web:\n    build: ./services/web\n    command: gunicorn --workers 8 app:app\n");
  dir.write("services/orders/requirements.txt", "SQLAlchemy==2.0.30\n");
  dir.write("services/web/requirements.txt", "SQLAlchemy==1.4.52\n");
  const char* engine =
      "from sqlalchemy import create_engine\n"
      "engine = create_engine('postgresql://app@db/app', pool_size=10, max_overflow=5, pool_pre_ping=True)\n";
  dir.write("services/orders/handler.py", std::string(engine) + "def main(event, context):\n    pass\n");
  dir.write("services/web/app.py", engine);
  std::string error;
  auto rules = app::select_rules({"PA104", "PA105"}, {}, error);
  REQUIRE(rules);
  app::Options o;
  o.paths = {dir.path().string()};
  o.isolated = true;
  o.jobs = 1;
  auto report = app::analyze(o, *rules, error);
  REQUIRE(report);
  std::vector<std::string> found;
  for (const core::Finding& f : report->findings) {
    found.push_back(std::string(f.code) + " " + f.where.path.str().substr(f.where.path.str().find("services/")));
  }
  std::sort(found.begin(), found.end());
  // The Lambda's pooled engine is PA104; the web tier's identical one is not, and only the web
  // tier's 8 workers multiply it.
  CHECK(found == std::vector<std::string>{"PA104 services/orders/handler.py", "PA105 services/web/app.py"});
  const std::vector<core::ServiceContext>& services = report->deployment.services;
  REQUIRE(services.size() == 3);
  CHECK(services[1].path.ends_with("services/orders"));
  CHECK(services[1].platform == "AWS Lambda");
  CHECK(services[1].versions.front().text.find("SQLAlchemy 2.0.30") == 0);
  CHECK(services[2].path.ends_with("services/web"));
  CHECK(services[2].platform == "gunicorn server processes");
  CHECK(services[2].versions.front().text.find("SQLAlchemy 1.4.52") == 0);
  REQUIRE(services[2].processes.size() == 1);
  CHECK(services[2].processes[0].text.find("gunicorn: 8 workers") == 0);
}

TEST_CASE("services: a project of one service reports no service list") {
  tests::TempDir dir;
  dir.write("requirements.txt", "SQLAlchemy==2.0.30\n");
  dir.write("Procfile", "web: gunicorn --workers 4 app.main:app\n");
  dir.write("app/main.py", "from sqlalchemy import create_engine\nengine = create_engine('postgresql://app@db/app')\n");
  std::string error;
  auto rules = app::select_rules({"PA105"}, {}, error);
  REQUIRE(rules);
  app::Options o;
  o.paths = {dir.path().string()};
  o.isolated = true;
  o.jobs = 1;
  auto report = app::analyze(o, *rules, error);
  REQUIRE(report);
  CHECK(report->deployment.services.empty());
  CHECK(report->deployment.platform == "gunicorn server processes");
}

namespace {

/// PA105's findings for a fixture of fixtures/PA105 (isolated: no configuration).
std::vector<core::Finding> budget_findings(const std::string& fixture) {
  std::string error;
  auto rules = app::select_rules({"PA105"}, {}, error);
  REQUIRE(rules);
  app::Options o;
  o.paths = {std::string(POOLAUDIT_SOURCE_DIR) + "/fixtures/PA105/" + fixture};
  o.isolated = true;
  o.jobs = 1;
  auto report = app::analyze(o, *rules, error);
  REQUIRE(report);
  return report->findings;
}

}  // namespace

TEST_CASE("services: services on one database server add up their budgets; the message names them") {
  const std::vector<core::Finding> shared = budget_findings("services_share_database");
  REQUIRE(shared.size() == 1);
  const std::string& m = shared[0].message;
  INFO(m);
  CHECK(shared[0].where.path.ends_with("api/app.py"));
  CHECK(m.find("on db:5432, which services ") != std::string::npos);
  CHECK(m.find("services_share_database/api + ") != std::string::npos);
  CHECK(m.find("4 processes × (15) = 60 + service ") != std::string::npos);
  CHECK(m.find("; together 120 > 100 (PostgreSQL's default max_connections)") != std::string::npos);
  size_t process_notes = 0;
  for (const core::Note& n : shared[0].notes) process_notes += n.message.starts_with("processes of service ");
  CHECK(process_notes == 2);
  // Not one server as far as the evidence goes: another compose host, each container's own
  // localhost, two compose files each running a `db`.
  CHECK(budget_findings("services_separate_databases_clean").empty());
  CHECK(budget_findings("services_loopback_clean").empty());
  CHECK(budget_findings("services_two_stacks_clean").empty());
}

TEST_CASE("services: `cd dir && server` in a command line runs the code of that directory") {
  auto parsed = [](std::string_view command, const std::string& file) {
    sqla::DeploymentFacts d;
    sqla::deploy::parse_command(command, core::Location{file, {{1, 1}, {1, 1}}}, d);
    REQUIRE(d.processes.size() == 1);
    return d.processes[0];
  };
  CHECK(parsed("cd api && gunicorn app:app", "Procfile").code_dir == "api");
  CHECK(parsed("cd services && cd web && gunicorn -w 4 app:app", "Procfile").code_dir == "services/web");
  CHECK(parsed("cd ./worker; celery -A tasks worker", "deploy/Procfile").code_dir == "deploy/worker");
  CHECK(parsed("sh -c 'cd api && uvicorn app:app'", "Procfile").code_dir == "api");
  // Not a directory of the repository: the file's own directory stays the one that runs.
  CHECK(parsed("cd /srv/app && gunicorn app:app", "Procfile").code_dir.empty());
  CHECK(parsed("cd $APP_HOME && gunicorn app:app", "Procfile").code_dir.empty());
  CHECK(parsed("cd .. && gunicorn app:app", "Procfile").code_dir.empty());
  CHECK(parsed("cd . && gunicorn app:app", "Procfile").code_dir.empty());
  CHECK(parsed("gunicorn app:app", "Procfile").code_dir.empty());
}
