// The command-line conventions users bring from ruff: --output-format, --statistics, rule lists as
// JSON, rule ids and names in any case, colour variables, "did you mean", PA001 failing the run,
// source excerpts and rule documentation links.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <cctype>
#include <string>

#include "tests/cli_run.h"
#include "tests/temp_dir.h"

namespace {

using Result = tests::CliResult;
const auto& quote = tests::shell_quote;

/// Runs `poolaudit args` with the colour and CI variables unset, plus `env` ("NAME=value ...").
Result poolaudit(const std::string& args, const std::string& env = "") {
  return tests::run_shell(
      "env -u NO_COLOR -u FORCE_COLOR -u CLICOLOR_FORCE -u GITHUB_SHA -u CI_COMMIT_SHA " + env + " " +
      quote(POOLAUDIT_BINARY) + " " + args);
}

/// A project with one PA101 error on line 3, its URL carrying a password before the finding.
std::string nullpool_project(const tests::TempDir& dir) {
  dir.write("app/db.py",
            "from sqlalchemy import create_engine\n"
            "from sqlalchemy.pool import NullPool\n"
            "u = 'postgresql://app:hunter2secret@db/x'; e = create_engine(u, poolclass=NullPool, "
            "pool_size=5)\n");
  return quote(dir.path().string());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("cli conventions: --output-format is --format") {
  tests::TempDir dir;
  const std::string path = nullpool_project(dir);
  const Result a = poolaudit("--select PA101 --output-format json " + path);
  const Result b = poolaudit("--select PA101 --format json " + path);
  CHECK(a.code == 1);
  CHECK(a.out == b.out);
  CHECK(nlohmann::json::parse(a.out)["findings"].size() == 1);
}

TEST_CASE("cli conventions: rule ids and names in any case") {
  const Result upper = poolaudit("--explain PA101");
  REQUIRE(upper.code == 0);
  CHECK(poolaudit("--explain pa101").out == upper.out);
  CHECK(poolaudit("--explain NullPool-Pool-Sizing").out == upper.out);
  CHECK(contains(upper.out, "\nDocs: "));
  CHECK(contains(upper.out, "docs/rules/PA101.md"));
  tests::TempDir dir;
  const std::string path = nullpool_project(dir);
  CHECK(poolaudit("--select pa101 " + path).code == 1);
  CHECK(poolaudit("--select pa1 " + path).code == 1);
  CHECK(poolaudit("--select nullpool-pool-sizing " + path).code == 1);
  CHECK(poolaudit("--select PA101 --ignore pa101 " + path).code == 0);
  CHECK(poolaudit("--select PA102 --extend-select pa101 " + path).code == 1);
  CHECK(poolaudit("--select PA101 --per-file-ignores 'db.py:pa101' " + path).code == 0);
  CHECK(poolaudit("--select PA101 --per-file-ignores '*.py:NULLPOOL-POOL-SIZING' " + path).code == 0);
  const Result unknown = poolaudit("--select pa999 " + path);
  CHECK(unknown.code == 2);
  CHECK(contains(unknown.err, "pa999"));
}

TEST_CASE("cli conventions: --list-rules --format json") {
  const Result r = poolaudit("--list-rules --format json");
  REQUIRE(r.code == 0);
  const nlohmann::json rules = nlohmann::json::parse(r.out);
  REQUIRE(rules.is_array());
  REQUIRE(rules.size() > 10);
  const nlohmann::json& first = rules[0];
  CHECK(first["code"] == "PA101");
  CHECK(first["name"] == "nullpool-pool-sizing");
  CHECK(first["severity"] == "error");
  CHECK(first["default"] == true);
  CHECK(first["fixable"] == true);
  CHECK(first["fix"] == "sometimes");
  CHECK(first["roles"].is_array());
  CHECK(first["url"].get<std::string>().size() > 10);
  CHECK(first["url"].get<std::string>().find("PA101.md") != std::string::npos);
  bool opt_in = false;
  for (const auto& rule : rules) opt_in = opt_in || rule["default"] == false;
  CHECK(opt_in);
  CHECK(poolaudit("--list-rules --format sarif").code == 2);
  // The base URL: a flag, with {code} as a template.
  const Result custom = poolaudit("--list-rules --format json --rule-docs-url 'https://docs.example/{code}.html'");
  CHECK(nlohmann::json::parse(custom.out)[0]["url"] == "https://docs.example/PA101.html");
}

TEST_CASE("cli conventions: --statistics counts findings per rule, most frequent first") {
  tests::TempDir dir;
  dir.write("app/db.py",
            "from sqlalchemy import create_engine\n"
            "from sqlalchemy.pool import NullPool\n"
            "a = create_engine('postgresql://db/app', poolclass=NullPool, pool_size=5)\n"
            "b = create_engine('postgresql://db/app', poolclass=NullPool, max_overflow=5)\n"
            "c = create_engine('postgresql://db/app', echo=True)\n");
  dir.write("app/broken.py", "import sqlalchemy\ndef f(:\n");
  const std::string path = quote(dir.path().string());
  const Result text = poolaudit("--select PA101,PA112 --statistics " + path);
  INFO(text.out);
  CHECK(text.code == 1);
  CHECK(text.out.rfind("2\tPA101\tnullpool-pool-sizing\t", 0) == 0);
  CHECK(contains(text.out, "\n1\tPA001\tsyntax-error\n"));  // diagnostics have no page
  CHECK(contains(text.out, "\n1\tPA112\t"));
  CHECK(text.out.find("PA001") < text.out.find("PA112"));  // ties by code
  const Result json = poolaudit("--select PA101,PA112 --statistics --output-format json " + path);
  const nlohmann::json counts = nlohmann::json::parse(json.out);
  CHECK(counts[0]["code"] == "PA101");
  CHECK(counts[0]["count"] == 2);
  CHECK(counts[0]["fixable"] == true);  // pool_size at the NullPool call: a safe deletion
  CHECK(poolaudit("--statistics --format sarif " + path).code == 2);
  CHECK(poolaudit("--select PA101 --statistics --exit-zero " + path).code == 0);
}

TEST_CASE("cli conventions: FORCE_COLOR, CLICOLOR_FORCE and NO_COLOR") {
  tests::TempDir dir;
  const std::string path = nullpool_project(dir);
  const std::string args = "--select PA101 " + path;
  auto colored = [](const Result& r) { return r.out.find('\033') != std::string::npos; };
  CHECK_FALSE(colored(poolaudit(args)));  // a pipe
  CHECK(colored(poolaudit(args, "FORCE_COLOR=1")));
  CHECK(colored(poolaudit(args, "FORCE_COLOR=1 NO_COLOR=1")));  // force-color.org: FORCE_COLOR wins
  CHECK_FALSE(colored(poolaudit(args, "FORCE_COLOR=")));        // empty: not set
  CHECK(colored(poolaudit(args, "CLICOLOR_FORCE=1")));
  CHECK_FALSE(colored(poolaudit(args, "CLICOLOR_FORCE=0")));
  CHECK_FALSE(colored(poolaudit(args, "CLICOLOR_FORCE=1 NO_COLOR=1")));  // NO_COLOR beats it
  CHECK_FALSE(colored(poolaudit("--color never " + args, "FORCE_COLOR=1")));  // the flag decides
  tests::TempDir out;
  const std::string file = quote((out.path() / "report.txt").string());
  CHECK(poolaudit("-o " + file + " " + args, "FORCE_COLOR=1").code == 1);
  CHECK(tests::slurp(out.path() / "report.txt").find('\033') == std::string::npos);
}

TEST_CASE("cli conventions: a misspelt flag gets a suggestion") {
  const Result r = poolaudit("--formt json .");
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(contains(r.err, "did you mean --format?"));
  CHECK(contains(poolaudit("--statistic .").err, "did you mean --statistics?"));
  CHECK(contains(poolaudit("--exlude x .").err, "did you mean --exclude?"));
  CHECK_FALSE(contains(poolaudit("--zzzzzzzzzz .").err, "did you mean"));
}

TEST_CASE("cli conventions: a syntax error (PA001) fails the run") {
  tests::TempDir dir;
  dir.write("app/broken.py", "import sqlalchemy\ndef f(:\n    pass\n");
  const std::string path = quote(dir.path().string());
  const Result r = poolaudit(path);
  CHECK(r.code == 1);
  CHECK(contains(r.out, "error: "));
  CHECK(contains(r.out, "[PA001]"));
  CHECK(poolaudit("--exit-zero " + path).code == 0);
  CHECK(poolaudit("--fail-on never " + path).code == 0);
  CHECK(poolaudit("--fail-on error " + path).code == 1);
}

TEST_CASE("cli conventions: text findings show the source line with carets; --concise does not") {
  tests::TempDir dir;
  dir.write("app/db.py",
            "from sqlalchemy import create_engine\n"
            "from sqlalchemy.pool import NullPool\n"
            "engine = create_engine('postgresql://db/app', poolclass=NullPool, pool_size=5)\n");
  const std::string path = quote(dir.path().string());
  const Result full = poolaudit("--select PA101 " + path);
  INFO(full.out);
  CHECK(contains(full.out,
                 "  |\n"
                 "3 | engine = create_engine('postgresql://db/app', poolclass=NullPool, pool_size=5)\n"
                 "  |          ^"));
  const Result concise = poolaudit("--select PA101 --concise " + path);
  CHECK_FALSE(contains(concise.out, "3 | engine"));
  CHECK(contains(concise.out, "[PA101]"));
  // -q keeps the findings as they are (with their excerpt) and drops the report sections.
  const Result quiet = poolaudit("--select PA101 -q " + path);
  CHECK(contains(quiet.out, "3 | engine"));
  CHECK_FALSE(contains(quiet.out, "Checks"));
  // Other formats are unchanged.
  CHECK_FALSE(contains(poolaudit("--select PA101 --format github " + path).out, "3 | engine"));
}

TEST_CASE("cli conventions: a password in the excerpt line is masked, carets still under the span") {
  tests::TempDir dir;
  const std::string path = nullpool_project(dir);
  const Result r = poolaudit("--select PA101 " + path);
  INFO(r.out);
  CHECK(r.code == 1);
  CHECK_FALSE(contains(r.out, "hunter2secret"));
  const size_t line = r.out.find("3 | u = 'postgresql://app:***@db/x'; e = create_engine(u, ");
  REQUIRE(line != std::string::npos);
  const size_t next = r.out.find('\n', line) + 1;
  const std::string excerpt = r.out.substr(line, next - line);
  const std::string carets = r.out.substr(next, r.out.find('\n', next) - next);
  // The carets start under `create_engine`.
  CHECK(carets.find('^') == excerpt.find("create_engine("));
}

TEST_CASE("cli conventions: rule documentation URLs in every machine format") {
  tests::TempDir dir;
  const std::string path = nullpool_project(dir);
  const std::string base = "--select PA101 --rule-docs-url https://docs.example/rules/ ";
  const std::string url = "https://docs.example/rules/PA101.md";
  const nlohmann::json json = nlohmann::json::parse(poolaudit(base + "--format json " + path).out);
  CHECK(json["findings"][0]["url"] == url);
  const nlohmann::json sarif = nlohmann::json::parse(poolaudit(base + "--format sarif " + path).out);
  CHECK(sarif["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] == url);
  const nlohmann::json gitlab = nlohmann::json::parse(poolaudit(base + "--format gitlab " + path).out);
  CHECK(contains(gitlab[0]["content"]["body"].get<std::string>(), "(" + url + ")"));
  CHECK(contains(poolaudit(base + "--format github " + path).out, "%0ADocs: " + url));
  CHECK(contains(poolaudit(base + "--format markdown " + path).out, "**[PA101](" + url + ")**"));
  // The default points at this repository's docs/rules/, and the configuration can change it.
  CHECK(contains(poolaudit("--select PA101 --format json " + path).out, "/docs/rules/PA101.md\""));
  dir.write("pyproject.toml", "[tool.poolaudit]\nrule-docs-url = \"https://wiki.example/{code}\"\n");
  CHECK(contains(poolaudit("--select PA101 --format json " + path).out, "\"https://wiki.example/PA101\""));
  CHECK(contains(poolaudit("--show-settings " + path).out, "rule-docs-url: https://wiki.example/{code}"));
}

TEST_CASE("cli conventions: Markdown links locations to the commit in CI, --quiet is short") {
  tests::TempDir dir;
  const std::string path = nullpool_project(dir);
  const std::string gh =
      "GITHUB_SERVER_URL=https://github.example GITHUB_REPOSITORY=acme/api GITHUB_SHA=abc123";
  // Paths relative to the working directory, as CI runs it: from inside the project.
  const std::string cd = "cd " + path + " && ";
  const Result r = tests::run_shell(cd + "env " + gh + " " + quote(POOLAUDIT_BINARY) +
                                    " --select PA101 --format markdown .");
  INFO(r.out);
  CHECK(contains(r.out, "[`app/db.py:3:"));
  CHECK(contains(r.out, "](https://github.example/acme/api/blob/abc123/app/db.py#L3)"));
  CHECK(contains(r.out, "<details><summary>"));
  const Result gl = tests::run_shell(cd + "env -u GITHUB_SHA CI_PROJECT_URL=https://gitlab.example/acme/api "
                                     "CI_COMMIT_SHA=def456 " + quote(POOLAUDIT_BINARY) +
                                     " --select PA101 --format markdown .");
  CHECK(contains(gl.out, "](https://gitlab.example/acme/api/-/blob/def456/app/db.py#L3)"));
  const Result plain = poolaudit("--select PA101 --format markdown " + path);
  CHECK_FALSE(contains(plain.out, "](https://github.example"));
  const Result quiet = poolaudit("--select PA101 --format markdown --quiet " + path);
  CHECK(contains(quiet.out, "## Findings"));
  CHECK_FALSE(contains(quiet.out, "## Checks"));
  CHECK_FALSE(contains(quiet.out, "## Inventory"));
}

TEST_CASE("cli conventions: every flag in --help is documented in the README's usage") {
  const Result help = poolaudit("--help");
  REQUIRE(help.code == 0);
  const std::string readme = tests::slurp(std::string(POOLAUDIT_SOURCE_DIR) + "/README.md");
  size_t flags = 0;
  for (size_t at = help.out.find("--"); at != std::string::npos; at = help.out.find("--", at + 2)) {
    size_t end = at + 2;
    while (end < help.out.size() && (std::isalnum(static_cast<unsigned char>(help.out[end])) || help.out[end] == '-')) ++end;
    const std::string flag = help.out.substr(at, end - at);
    if (flag.size() <= 2) continue;
    INFO(flag);
    CHECK(contains(readme, "`" + flag));
    ++flags;
  }
  CHECK(flags > 30);
}
