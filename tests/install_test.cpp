// Install paths (issue 14): the man page and completions generated from the CLI definition, the
// pre-commit hooks as a user's .pre-commit-config.yaml pins them (a commit SHA, a tag), the
// poolaudit-build hook's failure messages, and the composite GitHub Action's steps run as a runner
// would. The wheel is tested by tests/wheel_install.sh (ctest: wheel_install).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_run.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;
using tests::CliResult;
using tests::run_shell;
using tests::shell_quote;
using tests::slurp;

namespace {

const std::string kBinary = POOLAUDIT_BINARY;
const std::string kSource = POOLAUDIT_SOURCE_DIR;

/// `command` run by bash in `dir`.
CliResult in_dir(const fs::path& dir, const std::string& command) {
  return run_shell("cd " + shell_quote(dir.string()) + " && " + command);
}

/// Every long option --help lists (the generated files must list the same ones).
std::set<std::string> help_long_options() {
  const CliResult help = tests::run_poolaudit("--help");
  REQUIRE(help.code == 0);
  std::set<std::string> names;
  const std::regex long_option("--[a-z][a-z0-9-]+");
  for (std::sregex_iterator it(help.out.begin(), help.out.end(), long_option), end; it != end; ++it) {
    names.insert(it->str());
  }
  REQUIRE(names.count("--format") == 1);
  return names;
}

/// A project with one finding: NullPool given queue sizing (PA101, an error) at app/db.py:4.
void write_project_with_finding(const fs::path& root) {
  fs::create_directories(root / "app");
  std::ofstream(root / "app/__init__.py");
  std::ofstream(root / "app/db.py")
      << "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n\n"
         "engine = create_engine(\"postgresql://db/app\", poolclass=NullPool, pool_size=5)\n";
}

}  // namespace

TEST_CASE("shell docs: the man page lists every option --help lists, and groff reads it cleanly") {
  const CliResult man = tests::run_poolaudit("--generate-man");
  REQUIRE(man.code == 0);
  CHECK(man.out.rfind(".TH POOLAUDIT 1 ", 0) == 0);
  for (const std::string& name : help_long_options()) {
    std::string roff;
    for (char c : name) roff += c == '-' ? std::string("\\-") : std::string(1, c);
    INFO(name);
    CHECK(man.out.find("\\fB" + roff + "\\fR") != std::string::npos);
  }
  // The hidden generators are not user options.
  CHECK(man.out.find("generate") == std::string::npos);
  CHECK(man.out.find("\\fItext|markdown|json|sarif|github|gitlab\\fR") != std::string::npos);
  tests::TempDir dir;
  dir.write("poolaudit.1", man.out);
  const CliResult rendered = in_dir(dir.path(), "groff -man -Tutf8 -ww -P-cbou poolaudit.1");
  CHECK(rendered.code == 0);
  CHECK(rendered.err == "");
  CHECK(rendered.out.find("EXIT STATUS") != std::string::npos);
}

TEST_CASE("shell docs: bash completion completes option names and fixed values") {
  const CliResult script = tests::run_poolaudit("--generate-completions bash");
  REQUIRE(script.code == 0);
  for (const std::string& name : help_long_options()) {
    INFO(name);
    CHECK(script.out.find(name) != std::string::npos);
  }
  tests::TempDir dir;
  dir.write("poolaudit.bash", script.out);
  dir.write("app.py", "");
  const auto complete = [&](const std::string& words) {
    return in_dir(dir.path(), "bash -c " + shell_quote("source ./poolaudit.bash && COMP_WORDS=(" + words +
                                                        ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && "
                                                        "_poolaudit && for word in \"${COMPREPLY[@]}\"; do echo \"$word\"; done"));
  };
  CHECK(complete("poolaudit --form").out == "--format\n");
  CHECK(complete("poolaudit --format s").out == "sarif\n");
  CHECK(complete("poolaudit --fail-on ''").out == "error\nwarning\ninfo\nnever\n");
  CHECK(complete("poolaudit ap").out == "app.py\n");
  CHECK(complete("poolaudit -j ''").out == "");
  CHECK(tests::run_poolaudit("--generate-completions fish").code == 2);
}

TEST_CASE("shell docs: the zsh completion has one spec per option") {
  const CliResult script = tests::run_poolaudit("--generate-completions zsh");
  REQUIRE(script.code == 0);
  CHECK(script.out.rfind("#compdef poolaudit\n", 0) == 0);
  for (const std::string& name : help_long_options()) {
    INFO(name);
    // `--name[` alone, `{-n,--name}'[` with its short alias, `{--name,--alias}'[` with a long one.
    CHECK((script.out.find(name + "[") != std::string::npos ||
           script.out.find("," + name + "}'[") != std::string::npos ||
           script.out.find("{" + name + ",") != std::string::npos));
  }
  CHECK(script.out.find("'(--format --output-format)'{--format,--output-format}'[") != std::string::npos);
  CHECK(script.out.find(":(text markdown json sarif github gitlab)'") != std::string::npos);
  CHECK(script.out.find("'(-o --output)'{-o,--output}'[") != std::string::npos);
  if (std::system("command -v zsh >/dev/null 2>&1") == 0) {
    tests::TempDir dir;
    dir.write("_poolaudit", script.out);
    CHECK(in_dir(dir.path(), "zsh -n _poolaudit").code == 0);
  }
}

namespace {

/// The hook repository a user's .pre-commit-config.yaml points at: a clone of this checkout's
/// working tree (tracked files as they are now) committed, tagged v<version>.
struct HookRepository {
  tests::TempDir dir;
  std::string sha;
  HookRepository() {
    const CliResult copied = run_shell(
        // Tracked and new files as they are in the working tree (what the next commit will hold).
        "git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c "
        "'for f; do if [ -f \"$f\" ]; then cp --parents \"$f\" \"$0\"; fi; done' " +
        shell_quote(dir.path().string()) + " && cd " +
        shell_quote(dir.path().string()) +
        " && git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm hooks && "
        "git tag v0.0.0-test && git rev-parse HEAD");
    REQUIRE(copied.code == 0);
    sha = copied.out.substr(0, 40);
  }
};

/// README's pre-commit example with `repo:` and `rev:` filled in as a user would.
std::string readme_pre_commit_config(const std::string& repo, const std::string& rev) {
  const std::string readme = slurp(fs::path(kSource) / "README.md");
  const std::regex example("```yaml\n(repos:\n[^`]*rev: [^`]*id: poolaudit[^`]*)```");
  std::smatch match;
  REQUIRE(std::regex_search(readme, match, example));
  std::string config = match[1].str();
  config = std::regex_replace(config, std::regex("repo: [^\n]*"), "repo: " + repo);
  config = std::regex_replace(config, std::regex("rev: [^\n#]*"), "rev: " + rev + " ");
  return config;
}

}  // namespace

TEST_CASE("pre-commit: README's example runs as written, pinned to a commit SHA and to a tag") {
  HookRepository hooks;
  for (const std::string& rev : {hooks.sha, std::string("v0.0.0-test")}) {
    INFO(rev);
    tests::TempDir project;
    write_project_with_finding(project.path());
    project.write("app/clean.py", "x = 1\n");
    project.write(".pre-commit-config.yaml", readme_pre_commit_config(hooks.dir.path().string(), rev));
    REQUIRE(in_dir(project.path(), "git init -q . && git add -A").code == 0);
    const std::string run = "PATH=" + fs::path(kBinary).parent_path().string() + ":$PATH PRE_COMMIT_HOME=" +
                            (project.path() / ".cache").string() + " pre-commit run --files ";
    const CliResult failed = in_dir(project.path(), run + "app/db.py");
    INFO(failed.out);
    CHECK(failed.code == 1);
    CHECK(failed.out.find("app/db.py:4:") != std::string::npos);
    const CliResult passed = in_dir(project.path(), run + "app/clean.py");
    INFO(passed.out);
    CHECK(passed.code == 0);
  }
}

TEST_CASE("pre-commit: a changed deployment file re-audits the Python files it changes") {
  tests::TempDir project;
  project.write("app/db.py", "from sqlalchemy import create_engine\n\n"
                             "engine = create_engine(\"postgresql://db/app\", pool_size=5)\n");
  project.write("app/clean.py", "x = 1\n");
  project.write("serverless.yml", "service: api\nprovider:\n  name: aws\n  runtime: python3.11\n"
                                  "functions:\n  api:\n    handler: app/db.handler\n");
  project.write("README.md", "docs\n");
  REQUIRE(in_dir(project.path(), "git init -q . && git add -A").code == 0);
  const std::string run = "PATH=" + fs::path(kBinary).parent_path().string() + ":$PATH PRE_COMMIT_HOME=" +
                          (project.path() / ".cache").string() + " pre-commit try-repo " +
                          shell_quote(kSource) + " poolaudit --files ";
  // serverless.yml makes the pooled engine in the unchanged app/db.py a PA104 finding.
  const CliResult deployment = in_dir(project.path(), run + "serverless.yml");
  INFO(deployment.out);
  CHECK(deployment.code == 1);
  CHECK(deployment.out.find("app/db.py:3:10: warning: pooled engine (QueuePool) in a serverless") !=
        std::string::npos);
  // A Python file alone is reported alone; a file outside `files` does not run the hook.
  CHECK(in_dir(project.path(), run + "app/clean.py").code == 0);
  const CliResult skipped = in_dir(project.path(), run + "README.md");
  INFO(skipped.out);
  CHECK(skipped.code == 0);
  CHECK(skipped.out.find("(no files to check)") != std::string::npos);
}

TEST_CASE("pre-commit: the poolaudit-build hook names a failed npm fetch as the cause") {
  tests::TempDir dir;
  dir.write("bin/npm", "#!/bin/sh\necho 'npm error network request failed, reason: getaddrinfo EAI_AGAIN' >&2\nexit 1\n");
  REQUIRE(in_dir(dir.path(), "chmod +x bin/npm").code == 0);
  const CliResult r = run_shell("PATH=" + shell_quote((dir.path() / "bin").string()) + ":$PATH " +
                                "POOLAUDIT_HOOK_BUILD_DIR=" + shell_quote((dir.path() / "build").string()) +
                                " scripts/pre-commit-build.sh --version");
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("fetching tree-sitter with npm failed") != std::string::npos);
  CHECK(r.err.find("getaddrinfo EAI_AGAIN") != std::string::npos);
  CHECK(r.err.find("install-deps") == std::string::npos);
}

namespace {

/// Runs action.yml's steps as a GitHub runner would: `run:` steps with bash, inputs through their
/// `${{ inputs.* }}` expressions in env:, GITHUB_OUTPUT/GITHUB_PATH/GITHUB_STEP_SUMMARY as files.
/// `uses:` steps are returned for the caller to check (they run GitHub's own code).
struct ActionRun {
  tests::TempDir runner;
  fs::path workspace = runner.path() / "workspace";
  std::vector<std::string> step_names;
  std::vector<int> exit_codes;
  std::vector<YAML::Node> uses_steps;
  std::string output;  ///< stdout and stderr of every step

  std::string file(const std::string& name) const { return slurp(runner.path() / name); }

  void run(std::map<std::string, std::string> inputs) {
    const YAML::Node action = YAML::LoadFile(kSource + "/action.yml");
    REQUIRE(action["runs"]["using"].as<std::string>() == "composite");
    for (const auto& input : action["inputs"]) {
      const std::string name = input.first.as<std::string>();
      if (inputs.count(name) == 0) inputs[name] = input.second["default"].as<std::string>("");
    }
    fs::create_directories(runner.path() / "temp");
    std::string path = fs::path(kBinary).parent_path().string() + ":" + std::getenv("PATH");
    bool failed = false;
    for (const YAML::Node& step : action["runs"]["steps"]) {
      step_names.push_back(step["name"].as<std::string>());
      if (step["uses"]) {
        uses_steps.push_back(step);
        continue;
      }
      // After a failure only steps with `if: always()` run (the job is failing).
      if (failed && step["if"].as<std::string>("").find("always()") == std::string::npos) continue;
      REQUIRE(step["shell"].as<std::string>() == "bash");
      std::string env;
      for (const auto& variable : step["env"]) {
        std::string value = variable.second.as<std::string>();
        std::smatch match;
        REQUIRE(std::regex_match(value, match, std::regex(R"(\$\{\{ inputs\.([a-z-]+) \}\})")));
        REQUIRE(inputs.count(match[1].str()) == 1);
        env += variable.first.as<std::string>() + "=" + shell_quote(inputs[match[1].str()]) + " ";
      }
      const std::string script = step["run"].as<std::string>();
      CHECK(script.find("${{") == std::string::npos);  // values reach the shell through env: only
      tests::TempDir scripts;
      const fs::path step_file = scripts.write("step.sh", script);
      const std::string r = runner.path().string();
      const CliResult result = in_dir(
          workspace, "env PATH=" + shell_quote(path) + " GITHUB_ACTION_PATH=" + shell_quote(kSource) +
                         " GITHUB_WORKSPACE=" + shell_quote(workspace.string()) + " RUNNER_TEMP=" +
                         shell_quote(r + "/temp") + " GITHUB_OUTPUT=" + shell_quote(r + "/output") +
                         " GITHUB_PATH=" + shell_quote(r + "/path") + " GITHUB_STEP_SUMMARY=" +
                         shell_quote(r + "/summary") + " " + env +
                         "bash --noprofile --norc -eo pipefail " + shell_quote(step_file.string()));
      output += result.out + result.err;
      exit_codes.push_back(result.code);
      // GITHUB_PATH lines are prepended to PATH for the steps after this one.
      std::istringstream added(file("path"));
      for (std::string line; std::getline(added, line);) path = line + ":" + path;
      failed = failed || result.code != 0;
    }
  }
};

}  // namespace

TEST_CASE("action.yml: install, SARIF, job summary, annotations and the gate") {
  ActionRun action;
  write_project_with_finding(action.workspace);
  action.run({{"install", "path"}});
  INFO(action.output);
  REQUIRE(action.exit_codes.size() == 2);
  CHECK(action.exit_codes[0] == 0);
  CHECK(action.output.find("poolaudit 0.") != std::string::npos);  // --version after installing
  CHECK(action.exit_codes[1] == 1);                                // the gate: an error finding
  CHECK(action.output.find("::error file=app/db.py,line=4,") != std::string::npos);
  CHECK(action.file("output").find("exit-code=1\n") != std::string::npos);
  CHECK(action.file("output").find("sarif-file=poolaudit.sarif\n") != std::string::npos);
  const auto sarif = nlohmann::json::parse(slurp(action.workspace / "poolaudit.sarif"));
  CHECK(sarif["runs"][0]["results"][0]["ruleId"] == "PA101");
  CHECK(action.file("summary").find("PA101") != std::string::npos);
  // The upload step is GitHub's action, given the file the audit step wrote, even after a failure.
  REQUIRE(action.uses_steps.size() == 1);
  const YAML::Node upload = action.uses_steps.front();
  CHECK(upload["uses"].as<std::string>().rfind("github/codeql-action/upload-sarif@", 0) == 0);
  CHECK(upload["with"]["sarif_file"].as<std::string>() == "${{ steps.audit.outputs.sarif-file }}");
  CHECK(upload["if"].as<std::string>().find("always()") != std::string::npos);
}

TEST_CASE("action.yml: fail false reports only; a bad option fails; install path needs poolaudit") {
  {
    ActionRun action;
    write_project_with_finding(action.workspace);
    action.run({{"install", "path"}, {"fail", "false"}, {"paths", "app"}});
    INFO(action.output);
    CHECK(action.exit_codes == std::vector<int>{0, 0});
    CHECK(action.file("output").find("exit-code=1\n") != std::string::npos);
  }
  {
    ActionRun action;
    fs::create_directories(action.workspace);
    action.run({{"install", "path"}, {"args", "--select NOPE"}});
    INFO(action.output);
    CHECK(action.exit_codes == std::vector<int>{0, 2});
    CHECK(action.file("output").find("exit-code=2\n") != std::string::npos);
    CHECK(action.file("output").find("sarif-file=") == std::string::npos);  // nothing to upload
  }
  {
    ActionRun action;
    fs::create_directories(action.workspace);
    action.run({{"install", "wheelbarrow"}});
    CHECK(action.exit_codes == std::vector<int>{2});
  }
}

// `install: source` runs `make install` from the action's checkout (a Release build: minutes), so
// it runs with the other slow build test (POOLAUDIT_TEST_BUILD_HOOK=1, .ci/run).
TEST_CASE("action.yml: install source builds and installs poolaudit for the later steps") {
  if (std::getenv("POOLAUDIT_TEST_BUILD_HOOK") == nullptr) {
    MESSAGE("skipped: set POOLAUDIT_TEST_BUILD_HOOK=1 to run make install from the action");
    return;
  }
  ActionRun action;
  fs::create_directories(action.workspace);
  action.run({{"install", "source"}, {"upload-sarif", "false"}});
  INFO(action.output);
  CHECK(action.exit_codes == std::vector<int>{0, 0});
  CHECK(fs::exists(action.runner.path() / "temp/poolaudit/bin/poolaudit"));
  CHECK(fs::exists(action.runner.path() / "temp/poolaudit/share/man/man1/poolaudit.1"));
  CHECK(action.file("path").find("/temp/poolaudit/bin") != std::string::npos);
}
