// Model tests for the deployment context: what sqla::read_deployment_file and the project phase
// make of serverless configs, process managers, env files and poolers.
#include <doctest/doctest.h>

#include <sstream>

#include "app/analyze.h"
#include "app/options.h"
#include "rules/rule.h"
#include "sqla/deployment.h"
#include "tests/temp_dir.h"

namespace {

sqla::DeploymentFacts read(const std::string& path, const std::string& text, std::vector<core::Finding>* diags = nullptr) {
  std::vector<core::Finding> local;
  core::SourceFile source(path, text);
  return sqla::read_deployment_file(source, diags ? *diags : local);
}

/// Merges files read from disk-free sources into a project (no Python files).
sqla::ProjectFacts project_of(std::vector<std::pair<std::string, std::string>> files, sqla::ProjectContext context = {}) {
  sqla::ProjectFacts facts;
  facts.context = context;
  std::vector<sqla::DeploymentFacts> parts;
  for (const auto& [path, text] : files) parts.push_back(read(path, text));
  sqla::merge_deployment(facts, std::move(parts), {});
  return facts;
}

}  // namespace

TEST_CASE("deployment files are recognised by name") {
  for (const char* p : {"serverless.yml", "sam/template.yaml", "zappa_settings.json", "svc/.chalice/config.json",
                        "vercel.json", "Procfile", "Dockerfile", "docker/Dockerfile.prod", "Dockerfile-api",
                        "docker/Dockerfile_worker", "api.Dockerfile", "Containerfile", "docker-compose.yml",
                        "compose.yaml", "bin/start.sh", "deploy/app.service", "fly.toml", "render.yaml", "app.yaml",
                        ".env", ".env.example", "pgbouncer.ini", "infra/main.tf"}) {
    CHECK_MESSAGE(sqla::is_deployment_file(p), p);
  }
  for (const char* p : {"config.json", "app.py", "alembic.ini", "values.yaml", "environment.yml",
                        "dockerfiles/README.md", "Dockerfiles"}) {
    CHECK_MESSAGE(!sqla::is_deployment_file(p), p);
  }
}

TEST_CASE("deployment format registry: the first format that claims a name reads the file") {
  // Dockerfile.sh is a Dockerfile (its CMD is server evidence), not a shell script.
  const sqla::DeploymentFacts docker = read("docker/Dockerfile.sh", "CMD gunicorn app:app\n");
  REQUIRE(docker.servers.size() == 1);
  CHECK(docker.servers[0].what.rfind("the Dockerfile's CMD", 0) == 0);
  // Templates of .env files document variables; real ones set them.
  const sqla::DeploymentFacts example = read(".env.example", "DATABASE_URL=postgresql://u@db/app\n");
  REQUIRE(example.env.size() == 1);
  CHECK(example.env[0].example);
  const sqla::DeploymentFacts local = read(".env.local", "DATABASE_URL=postgresql://u@db/app\n");
  REQUIRE(local.env.size() == 1);
  CHECK_FALSE(local.env[0].example);
  // A SAM template under another name; samconfig.yaml holds CLI settings, no resources.
  const sqla::DeploymentFacts sam =
      read("stack.template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n");
  REQUIRE(sam.serverless.size() == 1);
  CHECK(sam.serverless[0].what.rfind("CloudFormation template declares", 0) == 0);
  CHECK_FALSE(sqla::is_deployment_file("samconfig.yaml"));
}

TEST_CASE("command lines: gunicorn, uvicorn, celery in every spelling") {
  auto one = [](const std::string& file, const std::string& text) {
    const sqla::ProjectFacts f = project_of({{file, text}});
    REQUIRE(f.deployment.processes.size() == 1);
    return f.deployment.processes[0];
  };
  sqla::ServerProcess p = one("Procfile", "web: gunicorn -w 4 --preload app:app\n");
  CHECK(p.server == "gunicorn");
  CHECK(p.workers == 4);
  CHECK(p.preload);
  CHECK(p.forks);
  p = one("Procfile", "web: python -m gunicorn --workers=6 --threads 2 -k gevent app:app\n");
  CHECK(p.workers == 6);
  CHECK(p.threads == 2);
  CHECK(p.worker_class == "gevent");
  p = one("Dockerfile", "FROM python:3.12\nCMD [\"gunicorn\", \"-w\", \"${WORKERS:-3}\", \"app:app\"]\n");
  CHECK(p.workers == 3);
  p = one("start.sh", "#!/bin/sh\nset -e\nalembic upgrade head && exec uvicorn app:app --workers 5\n");
  CHECK(p.server == "uvicorn");
  CHECK(p.workers == 5);
  CHECK_FALSE(p.forks);  // uvicorn spawns its workers
  p = one("Dockerfile", "FROM python\nCMD sh -c \"gunicorn -w2 app:app\"\n");
  CHECK(p.workers == 2);
  p = one("Procfile", "worker: celery -A app.tasks worker -c 8 --loglevel INFO\n");
  CHECK(p.server == "celery");
  CHECK(p.workers == 8);
  CHECK(p.preload);
  p = one("Procfile", "worker: celery -A app worker --pool=gevent --concurrency=100\n");
  CHECK_FALSE(p.forks);
  p = one("render.yaml", "services:\n  - type: web\n    startCommand: gunicorn --workers 3 app:app\n");
  CHECK(p.workers == 3);
  p = one("app.yaml", "runtime: python312\nentrypoint: gunicorn -b :$PORT -w 2 main:app\n");
  CHECK(p.workers == 2);
  p = one("deploy/app.service", "[Service]\nEnvironment=WEB_CONCURRENCY=9\nExecStart=/srv/venv/bin/gunicorn app:app\n");
  CHECK(p.workers == 9);
  p = one("fly.toml", "[processes]\napp = \"gunicorn -w 5 app:app\"\n");
  CHECK(p.workers == 5);
  // FastAPI's CLI runs uvicorn: spawned workers, WEB_CONCURRENCY or 1 by default.
  p = one("Dockerfile", "FROM python:3.12\nCMD [\"fastapi\", \"run\", \"--workers\", \"4\", \"app/main.py\"]\n");
  CHECK(p.server == "fastapi");
  CHECK(p.workers == 4);
  CHECK_FALSE(p.forks);
  CHECK(sqla::spawns_workers(p));
  p = one("docker-compose.yml", "services:\n  api:\n    build: .\n    command: uv run fastapi run app/main.py --port 80\n");
  CHECK(p.server == "fastapi");
  CHECK(p.workers == 1);
  p = one("Procfile", "web: hypercorn app.main:app --workers=3 --bind 0.0.0.0:$PORT\n");
  CHECK(p.server == "hypercorn");
  CHECK(p.workers == 3);
  CHECK_FALSE(p.forks);
  // `fastapi dev` is the reloading development server; `pip install fastapi` starts nothing.
  CHECK(project_of({{"Dockerfile", "FROM python\nCMD fastapi dev app/main.py\n"}}).deployment.processes.empty());
  CHECK(project_of({{"start.sh", "pip install fastapi uvicorn-worker\n"}}).deployment.processes.empty());
  // Installing, printing or locating a server starts none; a runner (`poetry run`) does.
  for (const char* line :
       {"pip install gunicorn uvicorn\n", "apt-get install -y gunicorn\n", "echo 'starting gunicorn -w 4'\n",
        "uv pip install uvicorn && poetry add gunicorn\n", "python3 -m pip install 'uvicorn[standard]'\n",
        "which gunicorn || exit 1\n"}) {
    INFO(line);
    CHECK(project_of({{"start.sh", line}}).deployment.processes.empty());
  }
  p = one("start.sh", "pip install -r requirements.txt && poetry run gunicorn -w 3 app:app\n");
  CHECK(p.server == "gunicorn");
  CHECK(p.workers == 3);
  const sqla::ProjectFacts two =
      project_of({{"start.sh", "gunicorn -w 2 app:app & pip install uvicorn; celery -A app worker -c 2\n"}});
  REQUIRE(two.deployment.processes.size() == 2);
  CHECK(two.deployment.processes[0].server == "gunicorn");
  CHECK(two.deployment.processes[1].server == "celery");
  // Not a worker: celery beat starts no pool.
  CHECK(project_of({{"Procfile", "beat: celery -A app beat\n"}}).deployment.processes.empty());
  // gunicorn without -w: WEB_CONCURRENCY from the project's files, else 1.
  p = one("Procfile", "web: gunicorn app:app\n");
  CHECK(p.workers == 1);
  const sqla::ProjectFacts f = project_of({{"Procfile", "web: gunicorn app:app\n"}, {".env", "WEB_CONCURRENCY=7\n"}});
  REQUIRE(f.deployment.processes.size() == 1);
  CHECK(f.deployment.processes[0].workers == 7);
  CHECK(f.deployment.processes[0].workers_origin.find(".env:1") != std::string::npos);
}

TEST_CASE("config `workers` overrides the files") {
  sqla::ProjectContext context;
  context.config_workers = 12;
  context.config_origin = "pyproject.toml";
  sqla::ProjectFacts f = project_of({{"Procfile", "web: gunicorn -w 4 app:app\n"}}, context);
  REQUIRE(f.deployment.processes.size() == 1);
  CHECK(f.deployment.processes[0].workers == 12);
  f = project_of({}, context);
  REQUIRE(f.deployment.processes.size() == 1);
  CHECK(f.deployment.processes[0].server == "configured");
}

TEST_CASE("serverless evidence with its location; CloudFormation tags parse") {
  const auto sls = read("serverless.yml", "service: a\nprovider:\n  name: aws\nfunctions:\n  api:\n    handler: h.main\n");
  REQUIRE(sls.serverless.size() == 1);
  CHECK(sls.serverless[0].platform == "AWS Lambda");
  CHECK(sls.serverless[0].where.range.begin.line == 5);
  const auto sam = read("template.yaml",
                        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                        "      Role: !GetAtt Role.Arn\n      Environment:\n        Variables:\n"
                        "          DB: !Ref DbUrl\n          MODE: prod\n");
  REQUIRE(sam.serverless.size() == 1);
  REQUIRE(sam.env.size() == 1);  // !Ref is not a value the code gets
  CHECK(sam.env[0].name == "MODE");
  const auto plain = read("template.yaml", "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n");
  CHECK(plain.serverless.empty());
  const auto zappa = read("zappa_settings.json", "{\"dev\": {\"app_function\": \"app.app\"}}");
  CHECK(zappa.serverless.size() == 1);
  const auto docker = read("Dockerfile", "FROM public.ecr.aws/lambda/python:3.12\nCMD [\"app.handler\"]\n");
  CHECK(docker.serverless.size() == 1);
}

TEST_CASE("vercel.json: Python functions are evidence, a frontend is not") {
  CHECK(read("vercel.json", "{\"functions\": {\"api/*.py\": {\"maxDuration\": 10}}}").serverless.size() == 1);
  CHECK(read("vercel.json", "{\"builds\": [{\"src\": \"index.py\", \"use\": \"@vercel/python\"}]}").serverless.size() == 1);
  const auto frontend = read("web/vercel.json", "{\"rewrites\": []}");
  CHECK(frontend.serverless.empty());
  CHECK(frontend.vercel_dirs == std::vector<std::string>{"web"});
}

TEST_CASE("bad deployment files are PA003 diagnostics, never a crash") {
  for (const auto& [path, text] : std::vector<std::pair<std::string, std::string>>{
           {"serverless.yml", "functions: [unclosed\n"},
           {"docker-compose.yml", "services:\n  web:\n    command: {a: [\n"},
           {"vercel.json", "{not json"},
           {"fly.toml", "[processes\n"},
           {"template.yaml", "Resources: !!binary xx\n"}}) {
    std::vector<core::Finding> diags;
    CHECK_NOTHROW(read(path, text, &diags));
    if (path != "template.yaml") {
      REQUIRE_MESSAGE(diags.size() == 1, path);
      CHECK(diags[0].code == "PA003");
    }
  }
  // Odd shapes that parse: no diagnostic, no facts.
  std::vector<core::Finding> diags;
  CHECK(read("serverless.yml", "- a\n- b\n", &diags).serverless.empty());
  CHECK(read("docker-compose.yml", "services: [1, 2]\n", &diags).processes.empty());
  CHECK(read("serverless.yml", "functions:\n  api: 3\n", &diags).serverless.size() == 1);
  CHECK(diags.empty());
}

TEST_CASE("poolers: compose PgBouncer services and pgbouncer.ini") {
  const auto compose = read("docker-compose.yml",
                            "services:\n  pgbouncer:\n    image: bitnami/pgbouncer:1.22\n    environment:\n"
                            "      PGBOUNCER_POOL_MODE: transaction\n  bouncer2:\n    image: edoburu/pgbouncer\n"
                            "  web:\n    command: gunicorn -w 3 app:app\n    environment:\n"
                            "      - DATABASE_URL=postgresql://app@pgbouncer:6432/app\n");
  REQUIRE(compose.poolers.size() == 2);
  CHECK(compose.poolers[0].host == "pgbouncer");
  CHECK(compose.poolers[0].port == 6432);
  CHECK(compose.poolers[0].mode == "transaction");
  CHECK(compose.poolers[1].port == 5432);
  CHECK(compose.poolers[1].mode.empty());
  REQUIRE(compose.processes.size() == 1);
  REQUIRE(compose.env.size() == 1);
  CHECK(compose.env[0].value == "postgresql://app@pgbouncer:6432/app");
  const auto db = read("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    command: postgres -c max_connections=250 -c shared_buffers=1GB\n");
  CHECK(db.max_connections == 250);
  CHECK(db.processes.empty());
  const auto ini = read("pgbouncer.ini", "[databases]\napp = host=db\n[pgbouncer]\nlisten_port = 6543\npool_mode = transaction\n");
  REQUIRE(ini.poolers.size() == 1);
  CHECK(ini.poolers[0].port == 6543);
  CHECK(ini.poolers[0].mode == "transaction");
}

TEST_CASE("env files: real values before templates; placeholders are no URL") {
  const sqla::ProjectFacts f = project_of({{".env.example", "DATABASE_URL=postgresql://u:p@example-host/db\n"},
                                           {".env", "export DATABASE_URL=\"mysql+pymysql://app@db/app\"  \n"}});
  const sqla::EnvVariable* v = sqla::find_env(f.deployment, "DATABASE_URL");
  REQUIRE(v);
  CHECK(v->value == "mysql+pymysql://app@db/app");
  CHECK_FALSE(v->example);
  const sqla::ProjectFacts t = project_of({{".env.example", "DATABASE_URL=postgresql://user:password@<host>/db\n"}});
  CHECK_FALSE(sqla::environment_url(t.deployment, "DATABASE_URL", ""));
  const sqla::ProjectFacts s = project_of({{".env.sample", "DATABASE_URL=${DATABASE_URL}\n"}});
  CHECK_FALSE(sqla::environment_url(s.deployment, "DATABASE_URL", ""));
  // Beside the code first: a second project's .env does not give this one its URL.
  const sqla::ProjectFacts two = project_of({{"a/.env", "DATABASE_URL=postgresql://app@a-db/app\n"},
                                             {"b/.env", "DATABASE_URL=mysql://app@b-db/app\n"}});
  const auto url = sqla::environment_url(two.deployment, "DATABASE_URL", "b/app/db.py");
  REQUIRE(url);
  CHECK(url->host == "b-db");
}

TEST_CASE("the report's deployment context shows the budget arithmetic with origins") {
  tests::TempDir dir;
  dir.write("Procfile", "web: gunicorn -w 8 app.main:app\n");
  dir.write("app/__init__.py", "");
  dir.write("app/db.py", "from sqlalchemy import create_engine\nengine = create_engine('postgresql://app@db/app', pool_size=20)\n");
  app::Options options;
  options.paths = {dir.path().string()};
  std::string error;
  const auto selected = app::select_rules({"PA105"}, {}, error);
  REQUIRE(selected);
  const auto report = app::analyze(options, *selected, error);
  REQUIRE(report);
  REQUIRE(report->findings.size() == 1);
  CHECK(report->findings[0].message.find("8 processes × (30) = 240 > 100") != std::string::npos);
  REQUIRE(report->deployment.budget.size() == 2);
  CHECK(report->deployment.budget[1].text.find("pool_size 20") != std::string::npos);
  CHECK(report->deployment.budget[1].text.find("max_overflow 10 (SQLAlchemy's default)") != std::string::npos);
  CHECK(report->deployment.platform == "gunicorn server processes");
}

TEST_CASE("serverless judgement: scopes, mixed deployments, config override") {
  sqla::ProjectFacts f = project_of({{"lambdas/serverless.yml", "functions:\n  a:\n    handler: h.main\n"},
                                     {"web/Procfile", "web: gunicorn -w 2 app:app\n"},
                                     {"Dockerfile", "FROM python\nCMD gunicorn app:app\n"}});
  sqla::FileFacts lambda_file;
  lambda_file.path = "lambdas/db.py";
  sqla::FileFacts web_file;
  web_file.path = "web/db.py";
  sqla::FileFacts root_file;
  root_file.path = "shared/db.py";
  const sqla::EngineConfig config;
  CHECK(sqla::runs_serverless(f, lambda_file, config) == std::optional<bool>(true));
  CHECK(sqla::runs_serverless(f, web_file, config) == std::optional<bool>(false));
  CHECK(sqla::runs_serverless(f, root_file, config) == std::optional<bool>(false));  // the root Dockerfile
  f.context.config_serverless = false;
  CHECK(sqla::runs_serverless(f, lambda_file, config) == std::optional<bool>(false));
  f.context.config_serverless = true;
  CHECK(sqla::runs_serverless(f, web_file, config) == std::optional<bool>(true));
  // A branch that tests for Lambda decides for its configuration.
  sqla::EngineConfig branch;
  branch.branch_notes.push_back(core::Note{{"web/db.py", {{3, 1}, {3, 1}}}, "configuration when `IS_LAMBDA` is false"});
  CHECK(sqla::runs_serverless(f, web_file, branch) == std::optional<bool>(false));
  branch.branch_notes[0].message = "configuration when `settings.env != 'lambda'` is false";
  CHECK(sqla::runs_serverless(f, web_file, branch) == std::optional<bool>(true));
}
