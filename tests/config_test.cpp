// Configuration files, inline suppressions, finding identity and baselines, through app::run as
// the command line drives it (flags as main.cpp sets them).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "app/analyze.h"
#include "app/run.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kImports = "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n";
/// PA101 (error) and PA103 (info) on one engine call.
constexpr const char* kEngine =
    "engine = create_engine('postgresql://db/app', poolclass=NullPool, pool_size=5, pool_recycle=300)\n";

struct Run {
  int code = -1;
  std::string out;
  std::string err;
  nlohmann::json json;  ///< the JSON report when the run printed one
  /// Unsuppressed findings of `rule`.
  size_t count(const std::string& rule) const {
    size_t n = 0;
    for (const auto& f : json.value("findings", nlohmann::json::array())) n += f["rule"] == rule && !f["suppressed"].get<bool>();
    return n;
  }
  size_t diagnostics(const std::string& rule) const {
    size_t n = 0;
    for (const auto& d : json.value("diagnostics", nlohmann::json::array())) n += d["rule"] == rule;
    return n;
  }
};

Run run(app::Options options) {
  if (options.format.empty()) options.format = "json";
  options.jobs = 1;
  std::ostringstream out;
  std::ostringstream err;
  Run r;
  r.code = app::run(options, out, err, false);
  r.out = out.str();
  r.err = err.str();
  if (options.format == "json" && r.code != 2 && !options.show_settings && options.write_baseline.empty()) {
    r.json = nlohmann::json::parse(r.out);
  }
  return r;
}

app::Options at(const fs::path& path) {
  app::Options o;
  o.paths = {path.string()};
  o.format = "json";
  return o;
}

void write_engine(const tests::TempDir& dir, const std::string& file = "app/db.py") {
  dir.write(file, std::string(kImports) + kEngine);
}

}  // namespace

TEST_CASE("config: [tool.poolaudit] in pyproject.toml selects, ignores, re-grades and sets fail-on") {
  tests::TempDir dir;
  write_engine(dir);
  CHECK(run(at(dir.path())).code == 1);
  dir.write("pyproject.toml",
            "[project]\nname = 'x'\n\n[tool.poolaudit]\nignore = [\"PA103\"]\nfail-on = \"error\"\n"
            "severity = { PA101 = \"warning\" }\n");
  Run r = run(at(dir.path()));
  CHECK(r.code == 0);  // PA101 is a warning now, below fail-on = error
  CHECK(r.count("PA101") == 1);
  CHECK(r.count("PA103") == 0);
  CHECK(r.json["findings"][0]["severity"] == "warning");
  // select: only the chosen rules run.
  dir.write("pyproject.toml", "[tool.poolaudit]\nselect = [\"PA103\"]\n");
  r = run(at(dir.path()));
  CHECK(r.count("PA101") == 0);
  CHECK(r.count("PA103") == 1);
  // extend-select adds to select.
  dir.write("pyproject.toml", "[tool.poolaudit]\nselect = [\"PA103\"]\nextend-select = [\"nullpool-pool-sizing\"]\n");
  r = run(at(dir.path()));
  CHECK(r.count("PA101") == 1);
  CHECK(r.count("PA103") == 1);
}

TEST_CASE("config: the closest file wins; in one directory .poolaudit.toml > poolaudit.toml > pyproject.toml") {
  tests::TempDir dir;
  write_engine(dir, "svc/app/db.py");
  dir.write("poolaudit.toml", "ignore = [\"PA101\"]\n");  // outer: ignored once a closer one exists
  Run r = run(at(dir.path() / "svc"));
  CHECK(r.count("PA101") == 0);
  CHECK(r.count("PA103") == 1);
  // A pyproject.toml without [tool.poolaudit] does not count: the outer file still applies.
  dir.write("svc/pyproject.toml", "[project]\nname = 'svc'\n");
  CHECK(run(at(dir.path() / "svc")).count("PA101") == 0);
  dir.write("svc/pyproject.toml", "[project]\nname = 'svc'\n[tool.poolaudit]\nignore = [\"PA103\"]\n");
  r = run(at(dir.path() / "svc"));
  CHECK(r.count("PA101") == 1);
  CHECK(r.count("PA103") == 0);
  dir.write("svc/poolaudit.toml", "select = [\"PA101\"]\n");
  r = run(at(dir.path() / "svc"));
  CHECK(r.count("PA101") == 1);
  CHECK(r.count("PA103") == 0);
  dir.write("svc/.poolaudit.toml", "select = [\"PA103\"]\n");
  r = run(at(dir.path() / "svc"));
  CHECK(r.count("PA101") == 0);
  CHECK(r.count("PA103") == 1);
  // A file as the audited path: discovery starts at its directory.
  CHECK(run(at(dir.path() / "svc" / "app" / "db.py")).count("PA101") == 0);
  CHECK(app::find_config_file((dir.path() / "svc" / "app").string()) == (dir.path() / "svc" / ".poolaudit.toml").string());
}

TEST_CASE("config: the command line overrides the file; --isolated and --config") {
  tests::TempDir dir;
  write_engine(dir);
  dir.write("poolaudit.toml", "select = [\"PA103\"]\nfail-on = \"error\"\n");
  app::Options o = at(dir.path());
  Run r = run(o);
  CHECK(r.code == 0);  // PA103 is info
  o.fail_on = "info";
  o.given = {"fail-on"};
  CHECK(run(o).code == 1);
  o = at(dir.path());
  o.select = {"PA101"};  // --select replaces select
  r = run(o);
  CHECK(r.count("PA101") == 1);
  CHECK(r.count("PA103") == 0);
  o = at(dir.path());
  o.ignore = {"PA103"};  // ignores accumulate: nothing left
  r = run(o);
  CHECK(r.json["findings"].empty());
  // As in ruff, --select resets the resolution: the file's ignore no longer applies.
  dir.write("poolaudit.toml", "ignore = [\"PA103\"]\nextend-select = [\"PA101\"]\nfail-on = \"error\"\n");
  o = at(dir.path());
  o.select = {"PA1"};
  r = run(o);
  CHECK(r.count("PA103") == 1);
  o.select = {"PA103"};
  CHECK(run(o).count("PA101") == 0);
  CHECK(run(at(dir.path())).count("PA103") == 0);
  dir.write("poolaudit.toml", "select = [\"PA103\"]\nfail-on = \"error\"\n");
  o = at(dir.path());
  o.extend_select = {"PA101"};
  CHECK(run(o).count("PA101") == 1);
  o = at(dir.path());
  o.isolated = true;  // the defaults: every rule, fail-on warning
  r = run(o);
  CHECK(r.count("PA101") == 1);
  CHECK(r.count("PA103") == 1);
  CHECK(r.code == 1);
  dir.write("elsewhere/custom.toml", "select = [\"PA101\"]\n");
  o = at(dir.path());
  o.config = (dir.path() / "elsewhere" / "custom.toml").string();
  r = run(o);
  CHECK(r.count("PA101") == 1);
  CHECK(r.count("PA103") == 0);
  o.isolated = true;
  r = run(o);
  CHECK(r.code == 2);
  CHECK(r.err.find("--config and --isolated") != std::string::npos);
  o.isolated = false;
  o.config = (dir.path() / "missing.toml").string();
  r = run(o);
  CHECK(r.code == 2);
  CHECK(r.err.find("configuration file not found") != std::string::npos);
}

TEST_CASE("config: a bad file, key or value is exit 2 naming file, line and key") {
  tests::TempDir dir;
  write_engine(dir);
  struct Case {
    const char* text;
    const char* where;    // file:line:column
    const char* message;  // key and problem
  };
  const Case cases[] = {
      {"select = [\"PA101\"]\nslect = [\"PA1\"]\n", "poolaudit.toml:2:1:", "slect: unknown key"},
      {"max_connections = 5\n", "poolaudit.toml:1:1:", "did you mean \"max-connections\"?"},
      {"workers = \"4\"\n", "poolaudit.toml:1:11:", "workers: expected a positive integer"},
      {"workers = 0\n", "poolaudit.toml:1:11:", "workers: expected a positive integer"},
      {"select = \"PA101\"\n", "poolaudit.toml:1:10:", "select: expected an array of strings"},
      {"ignore = [\"PA101\",\n  \"PA999\"]\n", "poolaudit.toml:2:3:", "ignore: unknown rule id or prefix: PA999"},
      {"severity = { PA999 = \"error\" }\n", "poolaudit.toml:1:14:", "severity.PA999: unknown rule id"},
      {"severity = { PA101 = \"fatal\" }\n", "poolaudit.toml:1:22:", "severity.PA101: expected \"error\""},
      {"fail-on = \"critical\"\n", "poolaudit.toml:1:11:", "fail-on: expected"},
      {"serverless = \"yes\"\n", "poolaudit.toml:1:14:", "serverless: expected true, false or \"auto\""},
      {"sqlalchemy-version = \"two\"\n", "poolaudit.toml:1:22:", "sqlalchemy-version: expected a version"},
      {"[per-file-ignores]\n\"tests/*\" = [\"PA2O1\"]\n", "poolaudit.toml:2:14:", "per-file-ignores.tests/*: unknown rule id"},
      {"select = [\"PA101\"\n", "poolaudit.toml:1:", "invalid TOML"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    dir.write("poolaudit.toml", c.text);
    const Run r = run(at(dir.path()));
    CAPTURE(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find(c.where) != std::string::npos);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.out.empty());
  }
  dir.write("poolaudit.toml", "");
  dir.write("pyproject.toml", "[tool.poolaudit]\nselect = [\"PA101\"]\nbogus = 1\n");
  fs::remove(dir.path() / "poolaudit.toml");
  const Run r = run(at(dir.path()));
  CHECK(r.code == 2);
  CHECK(r.err.find("pyproject.toml:3:1: [tool.poolaudit] bogus: unknown key") != std::string::npos);
}

TEST_CASE("config: per-file-ignores and exclude are relative to the configuration file's directory") {
  tests::TempDir dir;
  write_engine(dir, "app/db.py");
  write_engine(dir, "app/legacy/old.py");
  write_engine(dir, "scripts/seed.py");
  dir.write("pyproject.toml",
            "[tool.poolaudit]\nextend-exclude = [\"scripts/\"]\n"
            "[tool.poolaudit.per-file-ignores]\n\"app/legacy/*\" = [\"PA101\"]\n\"db.py\" = [\"PA103\"]\n");
  // Audited from a sub-directory: the globs still mean paths below the configuration file.
  Run r = run(at(dir.path() / "app"));
  CHECK(r.json["summary"]["files"] == 2);  // scripts/ is outside the audited path anyway
  CHECK(r.count("PA101") == 1);            // app/db.py; app/legacy/old.py ignores it
  CHECK(r.count("PA103") == 1);            // app/legacy/old.py; every db.py ignores it
  CHECK(r.json["summary"]["suppressed"] == 0);  // per-file-ignores means "not run", not suppressed
  r = run(at(dir.path()));
  CHECK(r.json["summary"]["files"] == 2);  // scripts/seed.py excluded
  // --per-file-ignores replaces the file's table (globs relative to the current directory).
  app::Options o = at(dir.path());
  o.per_file_ignores = {(dir.path() / "app/*").string() + ":PA1"};
  r = run(o);
  CHECK(r.json["findings"].empty());
  o.per_file_ignores = {"no-colon"};
  CHECK(run(o).code == 2);
}

TEST_CASE("config: deployment keys reach the project context; --show-settings") {
  tests::TempDir dir;
  write_engine(dir);
  dir.write("poolaudit.toml",
            "workers = 4\nmax-connections = 100\nserverless = true\nsqlalchemy-version = \"1.4.46\"\n"
            "exclude = [\"migrations/\"]\n");
  app::Options o = at(dir.path());
  std::string error;
  const auto settings = app::resolve_settings(o, error);
  REQUIRE_MESSAGE(settings, error);
  sqla::ProjectContext context;
  app::apply_settings(*settings, context);
  CHECK(context.config_workers == 4);
  CHECK(context.config_max_connections == 100);
  CHECK(context.config_serverless == true);
  REQUIRE(context.sqlalchemy);
  CHECK(context.sqlalchemy->str() == "1.4.46");
  CHECK(context.sqlalchemy_origin == "config: " + settings->file);
  CHECK(context.config_origin == settings->file);
  o.show_settings = true;
  const Run r = run(o);
  CHECK(r.code == 0);
  CHECK(r.out.find("configuration: " + (dir.path() / "poolaudit.toml").string()) != std::string::npos);
  CHECK(r.out.find("workers: 4\n") != std::string::npos);
  CHECK(r.out.find("max-connections: 100\n") != std::string::npos);
  CHECK(r.out.find("serverless: true\n") != std::string::npos);
  CHECK(r.out.find("sqlalchemy-version: 1.4.46\n") != std::string::npos);
  CHECK(r.out.find("rules: PA101, PA102") != std::string::npos);
  dir.write("poolaudit.toml", "serverless = \"auto\"\n");
  const auto automatic = app::resolve_settings(at(dir.path()), error);
  REQUIRE(automatic);
  CHECK_FALSE(automatic->serverless);
}

TEST_CASE("suppressions: first line, last line, line above, noqa, file-ignore") {
  tests::TempDir dir;
  const std::string engine = "create_engine('postgresql://db/app', poolclass=NullPool, pool_size=5)";
  dir.write("poolaudit.toml", "select = [\"PA101\"]\n");
  dir.write("app/db.py", std::string(kImports) +
                             "# poolaudit: ignore[PA101] -- one-off migration engine\n"  // line above
                             "e1 = " + engine + "\n" +
                             "e2 = " + engine + "  # poolaudit: ignore[PA102, PA101]\n" +  // first line
                             "e3 = create_engine(\n"
                             "    'postgresql://db/app',\n"
                             "    poolclass=NullPool,\n"
                             "    pool_size=5,\n"
                             ")  # poolaudit: ignore[PA101]\n" +  // last line of a multi-line call
                             "e4 = " + engine + "  # noqa: E501, PA101\n" +
                             "e5 = " + engine + "  # NOQA\n" +  // bare noqa: every rule, as ruff
                             "e6 = " + engine + "  # noqa: E501\n" +  // another tool's code: reported
                             "x = '# poolaudit: ignore[PA101]'; e7 = " + engine + "\n" +  // in a string
                             "# poolaudit: ignore[PA101]\n\n"  // a blank line ends the line-above reach
                             "e8 = " + engine + "\n");
  Run r = run(at(dir.path()));
  CHECK(r.json["summary"]["suppressed"] == 5);
  std::vector<int> reported;
  for (const auto& f : r.json["findings"]) {
    if (!f["suppressed"].get<bool>()) reported.push_back(f["line"].get<int>());
    else CHECK(f.contains("suppression"));
  }
  CHECK(reported == std::vector<int>{13, 14, 17});
  // A finding that begins inside a statement: the statement's first or last line still counts.
  dir.write("app/db.py", std::string(kImports) +
                             "ENGINES = {  # poolaudit: ignore[PA101]\n"
                             "    'main': " + engine + ",\n"
                             "}\n"
                             "OTHERS = [\n"
                             "    " + engine + ",\n"
                             "]  # poolaudit: ignore[PA101]\n"
                             "def f():\n"
                             "    if True:  # poolaudit: ignore[PA101]\n"
                             "        return " + engine + "\n");
  r = run(at(dir.path()));
  CHECK(r.json["summary"]["suppressed"] == 2);
  REQUIRE(r.count("PA101") == 1);  // a compound statement's header covers its own line only
  for (const auto& f : r.json["findings"]) {
    if (!f["suppressed"].get<bool>()) CHECK(f["line"] == 11);
  }
  CHECK(r.diagnostics("PA004") == 0);
  // file-ignore silences the rule in the whole file.
  dir.write("app/other.py", std::string(kImports) + "e = " + engine + "\n# poolaudit: file-ignore[PA101]\n");
  r = run(at(dir.path() / "app" / "other.py"));
  CHECK(r.count("PA101") == 0);
  CHECK(r.json["findings"][0]["suppression"] == "file-ignore");
  CHECK(r.code == 0);
}

TEST_CASE("suppressions: unknown ids and malformed comments are reported; unused ones on request") {
  tests::TempDir dir;
  dir.write("app/db.py", std::string(kImports) + "# poolaudit: ignore[PA101]\n" + kEngine +
                             "x = 1  # poolaudit: ignore[PA999]\n"
                             "y = 2  # poolaudit: ignore\n"
                             "z = 3  # noqa: PA101\n"
                             "w = 4  # noqa: E501\n"
                             "v = 5  # noqa\n");
  app::Options o = at(dir.path());
  o.select = {"PA101"};
  Run r = run(o);
  CHECK(r.diagnostics("PA004") == 2);  // PA999, and ignore without ids
  CHECK(r.diagnostics("PA005") == 0);
  CHECK(r.code == 0);                  // diagnostics do not change the exit code
  o.report_unused_suppressions = true;
  r = run(o);
  // The noqa on line 7 matched nothing; E501 and the bare noqa belong to other tools.
  REQUIRE(r.diagnostics("PA005") == 1);
  for (const auto& d : r.json["diagnostics"]) {
    if (d["rule"] == "PA005") CHECK(d["line"] == 7);
  }
}

TEST_CASE("suppressions: alembic.ini comments above a key") {
  tests::TempDir dir;
  dir.write("alembic.ini", "[alembic]\nscript_location = migrations\n"
                           "# poolaudit: ignore[PA303] -- local throw-away database\n"
                           "sqlalchemy.url = postgresql://deploy:Xk9vq2rT@db.internal/app\n");
  const Run r = run(at(dir.path()));
  CHECK(r.count("PA303") == 0);
  CHECK(r.json["summary"]["suppressed"] == 1);
}

TEST_CASE("identity: scope is the enclosing function or class, subject the offending keyword") {
  tests::TempDir dir;
  dir.write("app/db.py", std::string(kImports) + kEngine +
                             "class Repo:\n"
                             "    def make(self):\n"
                             "        return create_engine('postgresql://db/app', poolclass=NullPool, max_overflow=2)\n"
                             "def factory():\n"
                             "    class Local:\n"
                             "        engine = create_engine('postgresql://db/app', poolclass=NullPool, pool_timeout=2)\n"
                             "    return Local\n");
  std::string error;
  auto rules = app::select_rules({"PA101"}, {}, error);
  REQUIRE(rules);
  app::Options o = at(dir.path());
  auto report = app::analyze(o, *rules, error);
  REQUIRE(report);
  REQUIRE(report->findings.size() == 3);
  CHECK(report->findings[0].scope == "");
  CHECK(report->findings[0].subject == "pool_size");
  CHECK(report->findings[1].scope == "Repo.make");
  CHECK(report->findings[1].subject == "max_overflow");
  CHECK(report->findings[2].scope == "factory.Local");
  CHECK(report->findings[2].subject == "pool_timeout");
}

TEST_CASE("baseline: write, edit unrelated lines, re-run clean; a new finding is reported") {
  tests::TempDir dir;
  const std::string body = std::string(kImports) + kEngine + "def make():\n    return create_engine('postgresql://db/app', poolclass=NullPool, pool_size=2)\n";
  dir.write("app/db.py", body);
  const std::string baseline = (dir.path() / "poolaudit-baseline.json").string();
  app::Options o = at(dir.path());
  o.write_baseline = baseline;
  Run r = run(o);
  CHECK(r.code == 0);
  CHECK(r.out.find("wrote 3 findings to the baseline") != std::string::npos);  // PA101 x2, PA103
  o = at(dir.path());
  o.baseline = baseline;
  r = run(o);
  CHECK(r.code == 0);
  CHECK(r.json["summary"]["suppressed"] == 3);
  CHECK(r.json["summary"]["baselined"] == 3);
  CHECK(r.json["findings"][0]["suppression"] == "baseline");
  // Lines added above move every finding: still clean.
  dir.write("app/db.py", "import os\n\nDEBUG = os.getenv('DEBUG')\n" + body);
  r = run(o);
  CHECK(r.code == 0);
  CHECK(r.json["summary"]["baselined"] == 3);
  // One more of the same kind in the same scope is beyond the count: reported.
  dir.write("app/db.py", "import os\n\nDEBUG = os.getenv('DEBUG')\n" + body +
                             "other = create_engine('postgresql://db/app', poolclass=NullPool, pool_size=9)\n");
  r = run(o);
  CHECK(r.code == 1);
  CHECK(r.count("PA101") == 1);
  CHECK(r.json["summary"]["baselined"] == 3);
  o.format = "text";
  CHECK(run(o).out.find("suppressed (3 by the baseline)") != std::string::npos);
  // A missing or malformed baseline is a usage error.
  o.baseline = (dir.path() / "missing.json").string();
  CHECK(run(o).code == 2);
  dir.write("bad.json", "{\"poolaudit_baseline\": 1, \"findings\": [{\"rule\": 3}]}");
  o.baseline = (dir.path() / "bad.json").string();
  r = run(o);
  CHECK(r.code == 2);
  CHECK(r.err.find("malformed baseline") != std::string::npos);
  dir.write("bad.json", "not json");
  CHECK(run(o).code == 2);
}

TEST_CASE("suppressions: files outside the file phase (YAML, TOML) are read when they have findings") {
  tests::TempDir dir;
  const fs::path file = dir.write("serverless.yml", "functions:\n  api:\n    # poolaudit: ignore[PA101]\n"
                                                    "    handler: app.handler\n    url: x  # noqa: PA101\n");
  core::Finding above;
  above.code = "PA101";
  above.where = core::Location{file.string(), {{4, 5}, {4, 12}}};
  core::Finding trailing = above;
  trailing.where.range = {{5, 5}, {5, 8}};
  core::Finding other = above;
  other.where.range = {{2, 3}, {2, 6}};
  std::vector<core::Finding> findings{above, trailing, other};
  app::DirectiveMap directives;
  std::vector<core::Finding> diagnostics;
  app::apply_suppressions(findings, directives, {}, false, diagnostics);
  CHECK(findings[0].suppressed);
  CHECK(findings[1].suppressed);
  CHECK_FALSE(findings[2].suppressed);
  CHECK(diagnostics.empty());
}

TEST_CASE("suppressions: comment syntax") {
  const core::SourceFile source("x.py",
                                "a  # noqa:PA101,PA102 because of the migration\n"
                                "b  # NoQA\n"
                                "c  # noqa: E501  # poolaudit: ignore[ PA103 , PA104 ] -- vendored code\n"
                                "d  # noqanope\n"
                                "e  # poolaudit: file-ignore[PA203]\n"
                                "f  # poolaudit: disable[PA101]\n"
                                "g  # poolaudit: ignore[]\n");
  const auto found = app::scan_directives(source, [](uint32_t) { return true; });
  REQUIRE(found.size() == 6);  // `# noqa: E501` belongs to another tool: not kept
  CHECK(found[0].kind == app::Directive::Kind::kNoqa);
  CHECK(found[0].codes == std::vector<std::string>{"PA101", "PA102"});
  CHECK(found[1].codes.empty());  // bare: every rule
  CHECK(found[2].kind == app::Directive::Kind::kIgnore);
  CHECK(found[2].codes == std::vector<std::string>{"PA103", "PA104"});
  CHECK(found[2].reason == "vendored code");
  CHECK(found[2].where.range.begin == core::Position{3, 18});
  CHECK(found[3].kind == app::Directive::Kind::kFileIgnore);
  CHECK_FALSE(found[4].problem.empty());
  CHECK_FALSE(found[5].problem.empty());
  for (const auto& d : found) CHECK_FALSE(d.own_line);
}
