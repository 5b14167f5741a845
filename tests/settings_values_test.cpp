// Model tests for values that reach engine calls through project functions and settings objects:
// helpers returning a URL, pydantic-settings fields and properties, parameter defaults, and
// functions of another module called while the app is imported.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "py/grammar.h"
#include "sqla/deployment.h"
#include "sqla/facts.h"
#include "tests/project_of.h"
#include "ts/tree.h"

namespace {

const char* const kConfig =
    "import os\n"
    "from functools import lru_cache\n"
    "from pydantic import Field, computed_field\n"
    "from pydantic_settings import BaseSettings, SettingsConfigDict\n"
    "class Settings(BaseSettings):\n"
    "    model_config = SettingsConfigDict(env_file='.env')\n"
    "    POSTGRES_HOST: str = 'db'\n"
    "    POSTGRES_DB: str = Field(default='app')\n"
    "    DATABASE_URL: str = 'postgresql://app@db/app'\n"
    "    NO_DEFAULT_URL: str\n"
    "    POOL_SIZE: int = 7\n"
    "    DEBUG: bool = False\n"
    "    @computed_field\n"
    "    @property\n"
    "    def SQLALCHEMY_DATABASE_URI(self) -> str:\n"
    "        return f'mysql+pymysql://app@{self.POSTGRES_HOST}/{self.POSTGRES_DB}'\n"
    "    @property\n"
    "    def plain_url(self):\n"
    "        return self.DATABASE_URL\n"
    "    @property\n"
    "    def maybe_url(self):\n"
    "        if self.DEBUG:\n"
    "            return 'sqlite://'\n"
    "    def method_url(self):\n"
    "        return 'sqlite://'\n"
    "settings = Settings()\n"
    "@lru_cache\n"
    "def get_settings():\n"
    "    return Settings()\n"
    "def env_url():\n"
    "    return os.getenv('DATABASE_URL', 'postgresql+psycopg2://app@db/app')\n"
    "def env_url_no_default():\n"
    "    return os.environ['DATABASE_URL']\n"
    "def url_for(tenant):\n"
    "    return tenant.url\n"
    "def url_or_none():\n"
    "    if os.environ.get('USE_DB'):\n"
    "        return 'postgresql://app@db/app'\n";

using tests::project_of;

/// The URL the single engine of `call` (written in app.db after importing app.config) resolves to:
/// "<unresolved>" when it does not.
std::string url_of(const std::string& call) {
  const sqla::ProjectFacts p = project_of(
      {{"app.config", kConfig},
       {"app.db",
        "from sqlalchemy import create_engine\n"
        "from app.config import settings, get_settings, env_url, env_url_no_default, url_for, url_or_none\n"
        "from app import config\n"
        "e = create_engine(" + call + ")\n"}});
  const sqla::FileFacts& db = p.files[1];
  REQUIRE(db.engines.size() == 1);
  REQUIRE(db.engines[0].configs.size() == 1);
  const sqla::EngineConfig& c = db.engines[0].configs[0];
  return c.url ? c.url->text : "<unresolved>";
}

}  // namespace

TEST_CASE("settings: field defaults, Field(default=...) and the cached settings factory") {
  CHECK(url_of("settings.DATABASE_URL") == "postgresql://app@db/app");
  CHECK(url_of("get_settings().DATABASE_URL") == "postgresql://app@db/app");
  CHECK(url_of("config.settings.DATABASE_URL") == "postgresql://app@db/app");
  // A field without a default comes from the environment only.
  CHECK(url_of("settings.NO_DEFAULT_URL") == "<unresolved>");
}

TEST_CASE("settings: @property and @computed_field give what their body returns") {
  CHECK(url_of("settings.SQLALCHEMY_DATABASE_URI") == "mysql+pymysql://app@{self.POSTGRES_HOST}/{self.POSTGRES_DB}");
  CHECK(url_of("get_settings().SQLALCHEMY_DATABASE_URI") ==
        "mysql+pymysql://app@{self.POSTGRES_HOST}/{self.POSTGRES_DB}");
  // `return self.DATABASE_URL`: the instance's field.
  CHECK(url_of("settings.plain_url") == "postgresql://app@db/app");
  // The body can end without `return`: None is possible, so nothing is known.
  CHECK(url_of("settings.maybe_url") == "<unresolved>");
  // A plain method read as an attribute is a bound method, not its result.
  CHECK(url_of("settings.method_url") == "<unresolved>");
}

TEST_CASE("settings: str() of a setting is the setting when it is a string") {
  CHECK(url_of("str(settings.DATABASE_URL)") == "postgresql://app@db/app");
  CHECK(url_of("str(settings.SQLALCHEMY_DATABASE_URI)") ==
        "mysql+pymysql://app@{self.POSTGRES_HOST}/{self.POSTGRES_DB}");
  // str(5) is '5', not the int: not a URL either way, and not mistaken for one.
  CHECK(url_of("str(settings.POOL_SIZE)") == "<unresolved>");
}

TEST_CASE("project functions: a URL helper of another module") {
  // os.getenv's default is the value when the variable is unset (overridable, as everywhere).
  CHECK(url_of("env_url()") == "postgresql+psycopg2://app@db/app");
  CHECK(url_of("env_url_no_default()") == "<unresolved>");
  CHECK(url_of("url_for(object())") == "<unresolved>");
  CHECK(url_of("url_or_none()") == "<unresolved>");
}

TEST_CASE("settings: pool options kept in settings reach the engine") {
  const sqla::ProjectFacts p = project_of(
      {{"app.config", kConfig},
       {"app.db",
        "from sqlalchemy import create_engine\n"
        "from app.config import settings\n"
        "e = create_engine(settings.DATABASE_URL, pool_size=settings.POOL_SIZE, echo=settings.DEBUG)\n"}});
  const sqla::EngineConfig& c = p.files[1].engines.at(0).configs.at(0);
  const py::Argument* size = c.arg("pool_size");
  REQUIRE(size);
  CHECK(size->value->render() == "7");
  CHECK(size->value->overridable);  // a settings default: the deployment can change it
  REQUIRE(c.arg("echo"));
  CHECK(c.arg("echo")->value->overridable);
  CHECK(c.pool.kind == sqla::Pool::kQueue);
}

TEST_CASE("parameter defaults: a call that leaves the parameter out gets the default") {
  const char* const kModels =
      "from sqlalchemy import engine_from_config\n"
      "def get_engine(settings, prefix='sqlalchemy.'):\n"
      "    return engine_from_config(settings, prefix)\n";
  // The same module: the call site is analysed with the default bound.
  sqla::ProjectFacts p = project_of({{"myapp.models", std::string(kModels) +
                                                          "def includeme(config):\n"
                                                          "    engine = get_engine(config.get_settings())\n"}});
  std::vector<std::string> prefixes;
  for (const sqla::EngineSite& site : p.files[0].engines) {
    for (const sqla::EngineConfig& c : site.configs) prefixes.push_back(c.config_prefix.value_or("<unknown>"));
  }
  CHECK(prefixes == std::vector<std::string>{"<unknown>", "sqlalchemy."});
  // Passed explicitly, or maybe through an unresolved **splat: the default is not what runs, and only
  // the function's own site (its prefix unknown) is left.
  p = project_of({{"myapp.models", std::string(kModels) +
                                       "def includeme(config):\n"
                                       "    a = get_engine(config.get_settings(), prefix='db.')\n"
                                       "    b = get_engine(config.get_settings(), **config.options)\n"}});
  prefixes.clear();
  for (const sqla::EngineSite& site : p.files[0].engines) {
    for (const sqla::EngineConfig& c : site.configs) prefixes.push_back(c.config_prefix.value_or("<unknown>"));
  }
  CHECK(prefixes == std::vector<std::string>{"<unknown>"});
}

TEST_CASE("import-time connects: a connecting function imported from another module") {
  const char* const kStorage =
      "from sqlalchemy import create_engine\n"
      "from sqlalchemy.orm import declarative_base\n"
      "engine = create_engine('postgresql://app@db/app')\n"
      "Base = declarative_base()\n"
      "def init_db():\n"
      "    Base.metadata.create_all(bind=engine)\n"
      "def register(app):\n"
      "    app.extensions['db'] = engine\n";
  // Called by the app factory, which runs at import time.
  sqla::ProjectFacts p = project_of({{"app.storage", kStorage},
                                     {"app.service",
                                      "from flask import Flask\n"
                                      "from app.storage import init_db, register\n"
                                      "def build():\n"
                                      "    app = Flask(__name__)\n"
                                      "    register(app)\n"
                                      "    init_db()\n"
                                      "    return app\n"
                                      "app = build()\n"}});
  REQUIRE(p.deployment.import_connects.size() == 1);
  const sqla::ImportTimeConnect& c = p.deployment.import_connects[0];
  CHECK(c.where.path == "app/service.py");
  CHECK(c.where.range.begin.line == 8);
  CHECK(c.through == "build() → init_db");
  CHECK(c.engine_path == "app/storage.py");
  CHECK(c.engine == 0);
  // Called directly at module level.
  p = project_of({{"app.storage", kStorage}, {"app.main", "from app import storage\nstorage.init_db()\n"}});
  REQUIRE(p.deployment.import_connects.size() == 1);
  CHECK(p.deployment.import_connects[0].through == "init_db");
  // Not at import time: under the main guard, or only from a function nobody calls then.
  p = project_of({{"app.storage", kStorage},
                  {"app.main",
                   "from app.storage import init_db, register\n"
                   "def cli():\n"
                   "    init_db()\n"
                   "register(object())\n"
                   "if __name__ == '__main__':\n"
                   "    init_db()\n"}});
  CHECK(p.deployment.import_connects.empty());
}
