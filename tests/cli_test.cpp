// The command line as a user and a CI job see it: the real binary, its exit codes, its streams.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/cli_run.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;

namespace {

// The runner the hardening tests use too (tests/cli_run.h).
using Result = tests::CliResult;
using tests::slurp;
const auto& quote = tests::shell_quote;
const auto& shell = tests::run_shell;

/// Runs `poolaudit args` with NO_COLOR unset unless `env` sets it.
Result poolaudit(const std::string& args, const std::string& env = "") {
  return shell("env -u NO_COLOR " + env + " " + quote(POOLAUDIT_BINARY) + " " + args);
}

size_t lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

bool has_escape(const std::string& s) { return s.find('\033') != std::string::npos; }

/// A project with a PA101 error (NullPool given a pool size).
void write_nullpool_project(const tests::TempDir& dir) {
  dir.write(
      "app/db.py",
      "from sqlalchemy import create_engine\n"
      "from sqlalchemy.pool import NullPool\n"
      "engine = create_engine('postgresql://db.internal/app', poolclass=NullPool, pool_size=5)\n");
}

}  // namespace

TEST_CASE("cli: exit 0 on a clean project, 1 with findings at or above --fail-on") {
  tests::TempDir clean;
  clean.write("main.py", "print('no database here')\n");
  const std::string clean_path = quote(clean.path().string());
  CHECK(poolaudit("--select ALL " + clean_path).code == 0);
  CHECK(poolaudit(clean_path).code == 0);

  tests::TempDir dirty;
  write_nullpool_project(dirty);
  const std::string path = quote(dirty.path().string());
  const Result r = poolaudit("--select PA101 " + path);
  CHECK(r.code == 1);
  CHECK(r.out.find("[PA101]") != std::string::npos);
  CHECK(r.err.empty());
  CHECK(poolaudit("--select PA101 --fail-on error " + path).code == 1);
  CHECK(poolaudit("--select PA101 --fail-on info " + path).code == 1);
  CHECK(poolaudit("--select PA101 --fail-on never " + path).code == 0);
  CHECK(poolaudit("--select PA101 --exit-zero " + path).code == 0);
  CHECK(poolaudit("--select PA101 --exit-zero --format json " + path).out.find("\"PA101\"") !=
        std::string::npos);
  // Ignored, the rule cannot fail the run.
  CHECK(poolaudit("--select PA101 --ignore PA101 " + path).code == 0);
}

TEST_CASE("cli: the exit code follows --fail-on severity by severity") {
  // Every rule fixture directory, whatever rules exist: the exit code for each --fail-on level
  // must match the severity counts of the JSON summary.
  size_t warning_only = 0;
  size_t checked = 0;
  for (const auto& dir : fs::directory_iterator(fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures")) {
    const std::string code = dir.path().filename().string();
    if (!dir.is_directory() || code.rfind("PA", 0) != 0) continue;
    const std::string args = "--select " + code + " fixtures/" + code;
    const Result json = poolaudit("--format json --exit-zero " + args);
    REQUIRE(json.code == 0);
    const auto summary = nlohmann::json::parse(json.out)["summary"];
    const size_t errors = summary["error"];
    const size_t warnings = summary["warning"];
    const size_t infos = summary["info"];
    INFO(code << ": " << errors << " errors, " << warnings << " warnings, " << infos << " info");
    CHECK(poolaudit("--quiet --fail-on error " + args).code == (errors ? 1 : 0));
    CHECK(poolaudit("--quiet --fail-on warning " + args).code == (errors + warnings ? 1 : 0));
    CHECK(poolaudit("--quiet --fail-on info " + args).code == (errors + warnings + infos ? 1 : 0));
    if (warnings && !errors) ++warning_only;
    ++checked;
  }
  CHECK(checked > 0);
  if (warning_only == 0)
    MESSAGE("no fixture directory with warnings only: --fail-on error vs warning not exercised");
}

TEST_CASE("cli: usage errors exit 2 with a one-line message") {
  const struct {
    const char* args;
    const char* says;
  } kCases[] = {
      {"does/not/exist", "does not exist"}, {"--select PA999 fixtures", "PA999"},
      {"--ignore PA999 fixtures", "PA999"}, {"--select PA101,NOPE fixtures", "NOPE"},
      {"--format yaml fixtures", "yaml"},   {"--fail-on sometimes fixtures", "sometimes"},
      {"--explain PA999", "PA999"},         {"--no-such-flag", "no-such-flag"},
  };
  for (const auto& c : kCases) {
    INFO(c.args);
    const Result r = poolaudit(c.args);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(lines(r.err) == 1);
    CHECK(r.err.rfind("poolaudit: ", 0) == 0);
    CHECK(r.err.find(c.says) != std::string::npos);
  }
}

TEST_CASE("cli: --list-rules, --explain and --version") {
  const Result list = poolaudit("--list-rules");
  CHECK(list.code == 0);
  CHECK(list.out.find("PA101  nullpool-pool-sizing  error") != std::string::npos);

  const Result explain = poolaudit("--explain PA101");
  CHECK(explain.code == 0);
  CHECK(explain.out.rfind("PA101 nullpool-pool-sizing", 0) == 0);
  CHECK(explain.out.find("**Why.**") != std::string::npos);
  CHECK(explain.out.find("\nFix: ") != std::string::npos);
  CHECK(poolaudit("--explain nullpool-pool-sizing").out == explain.out);

  const Result version = poolaudit("--version");
  CHECK(version.code == 0);
  CHECK(version.out == "poolaudit 0.1.0 (tree-sitter-python 0.25.0)\n");
}

TEST_CASE("cli: --output writes the report atomically") {
  tests::TempDir project;
  write_nullpool_project(project);
  tests::TempDir outdir;
  const std::string path = quote(project.path().string());
  const fs::path target = outdir.path() / "report.json";
  const Result to_file =
      poolaudit("--select PA101 --format json -o " + quote(target.string()) + " " + path);
  CHECK(to_file.code == 1);  // the exit code still reports the findings
  CHECK(to_file.out.empty());
  const Result to_stdout = poolaudit("--select PA101 --format json " + path);
  CHECK(slurp(target) == to_stdout.out);
  // Overwriting an existing report goes through a temporary that does not stay behind.
  CHECK(poolaudit("--select PA101 --format markdown -o " + quote(target.string()) + " " + path)
            .code == 1);
  CHECK(slurp(target).rfind("# poolaudit", 0) == 0);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(outdir.path())) ++entries;
  CHECK(entries == 1);

  // A directory that does not exist: exit 2, one line, nothing written anywhere.
  const Result missing =
      poolaudit("-o " + quote((outdir.path() / "no/such/dir/report.txt").string()) + " " + path);
  CHECK(missing.code == 2);
  CHECK(lines(missing.err) == 1);
  CHECK(missing.err.find("cannot write") != std::string::npos);
  // The target is a directory: the temporary is created, the rename fails, the temporary is
  // removed.
  fs::create_directory(outdir.path() / "taken");
  const Result taken = poolaudit("-o " + quote((outdir.path() / "taken").string()) + " " + path);
  CHECK(taken.code == 2);
  CHECK(lines(taken.err) == 1);
  entries = 0;
  for (const auto& e : fs::directory_iterator(outdir.path())) {
    INFO(e.path().string());
    CHECK(e.path().filename().string().find("poolaudit-") == std::string::npos);
    ++entries;
  }
  CHECK(entries == 2);
}

TEST_CASE("cli: colour only when asked for or on a terminal without NO_COLOR") {
  tests::TempDir project;
  write_nullpool_project(project);
  const std::string args = "--select PA101 " + quote(project.path().string());
  CHECK_FALSE(has_escape(poolaudit(args).out));  // not a terminal
  CHECK_FALSE(has_escape(poolaudit("--color never " + args).out));
  CHECK_FALSE(has_escape(poolaudit(args, "NO_COLOR=1").out));
  CHECK(has_escape(poolaudit("--color always " + args).out));
  CHECK_FALSE(has_escape(poolaudit("--color always --format json " + args).out));
  CHECK_FALSE(has_escape(poolaudit("--color always --format markdown " + args).out));
  // On a terminal (script(1) gives one): colour by default, none with NO_COLOR or --color never.
  if (std::system("command -v script >/dev/null 2>&1") != 0) return;
  const std::string binary = quote(POOLAUDIT_BINARY);
  auto on_tty = [&](const std::string& env, const std::string& extra) {
    return shell("env -u NO_COLOR TERM=dumb " + env + " script -qec " +
                 quote(binary + " " + extra + " " + args) + " /dev/null");
  };
  CHECK(has_escape(on_tty("", "").out));
  CHECK_FALSE(has_escape(on_tty("NO_COLOR=1", "").out));
  CHECK_FALSE(has_escape(on_tty("", "--color never").out));
  CHECK(has_escape(on_tty("NO_COLOR=", "").out));  // set but empty does not count (no-color.org)
}

TEST_CASE("cli: --quiet prints findings and the summary line only") {
  tests::TempDir project;
  write_nullpool_project(project);
  const std::string args = "--select PA101 " + quote(project.path().string());
  const Result full = poolaudit(args);
  const Result quiet = poolaudit("--quiet " + args);
  CHECK(quiet.code == full.code);
  CHECK(full.out.find("\nChecks\n") != std::string::npos);
  CHECK(full.out.find("\nInventory\n") != std::string::npos);
  CHECK(quiet.out.find("Checks") == std::string::npos);
  CHECK(quiet.out.find("Inventory") == std::string::npos);
  CHECK(quiet.out.find("[PA101]") != std::string::npos);
  CHECK(quiet.out.find("1 error, 0 warnings, 0 info in 1 file\n") != std::string::npos);
}

TEST_CASE("cli: a password in the project never reaches any output") {
  constexpr const char* kSecret = "Tr0ub4dor-x9Q";
  tests::TempDir project;
  project.write("app/db.py",
                std::string("import sqlalchemy as sa\n"
                            "from sqlalchemy.pool import NullPool\n"
                            "URL = 'postgresql+psycopg2://admin:") +
                    kSecret +
                    "@db.prod.example.com:5432/app'\n"
                    "engine = sa.create_engine(URL, poolclass=NullPool, pool_size=5)\n"
                    "other = sa.create_engine(f'mysql://root:" +
                    kSecret +
                    "@{HOST}/x', echo=True)\n"
                    "SessionLocal = sa.orm.sessionmaker(bind=sa.create_engine('postgresql://u:" +
                    kSecret + "@h/db'))\n");
  project.write(
      "alembic.ini",
      std::string("[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://admin:") +
          kSecret + "@db.prod.example.com/app\n");
  project.write("migrations/env.py",
                std::string("from sqlalchemy import create_engine\n"
                            "connectable = create_engine('postgresql://admin:") +
                    kSecret + "@db/app')\n");
  project.write("broken.py", std::string("x = 'postgresql://a:") + kSecret + "@h/db' (\n");
  const std::string path = quote(project.path().string());
  for (const char* format : {"text", "markdown", "json"}) {
    for (const char* extra : {"", "--quiet"}) {
      const Result r = poolaudit(std::string("--select ALL --color always --format ") + format +
                                 " " + extra + " " + path);
      INFO(format << " " << extra);
      CHECK(r.code <= 1);
      CHECK(r.out.find(kSecret) == std::string::npos);
      CHECK(r.err.find(kSecret) == std::string::npos);
    }
  }
  const Result json = poolaudit("--select ALL --format json " + path);
  CHECK(json.out.find("admin:***@db.prod.example.com") != std::string::npos);
  const Result dump = poolaudit("--dump-facts " + quote((project.path() / "app/db.py").string()));
  CHECK(dump.code == 0);
  CHECK(dump.out.find(kSecret) == std::string::npos);
}

TEST_CASE("cli: --output to a device writes through it instead of replacing it") {
  tests::TempDir project;
  write_nullpool_project(project);
  const Result r = poolaudit("--select PA101 -o /dev/null " + quote(project.path().string()));
  CHECK(r.code == 1);
  CHECK(fs::is_character_file("/dev/null"));
}

TEST_CASE("cli: --parse-only parses every file and reports no findings") {
  tests::TempDir project;
  write_nullpool_project(project);
  const Result full = poolaudit("--select PA101 -q " + quote(project.path().string()));
  CHECK(full.code == 1);
  const Result floor = poolaudit("--parse-only --select PA101 -q " + quote(project.path().string()));
  CHECK(floor.code == 0);
  CHECK(floor.out.find("[PA101]") == std::string::npos);
}

TEST_CASE("cli: the report is identical whatever --jobs is") {
  const std::string fixtures = quote((fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures").string());
  const Result one = poolaudit("--select ALL --format json -j 1 " + fixtures);
  const Result four = poolaudit("--select ALL --format json -j 4 " + fixtures);
  CHECK(one.code == four.code);
  CHECK(one.out.size() > 1000);
  CHECK(one.out == four.out);
}

TEST_CASE("cli: configuration, suppression and baseline flags") {
  tests::TempDir project;
  write_nullpool_project(project);
  const std::string dir = quote(project.path().string());
  project.write("pyproject.toml", "[tool.poolaudit]\nselect = [\"PA113\"]\nfail-on = \"never\"\n");
  CHECK(poolaudit(dir).code == 0);                            // PA101 not selected
  CHECK(poolaudit("--fail-on warning " + dir).code == 0);     // still not selected
  CHECK(poolaudit("--extend-select PA101 " + dir).code == 0);  // selected, but fail-on = never
  CHECK(poolaudit("--extend-select PA101 --fail-on error " + dir).code == 1);  // the flag wins
  CHECK(poolaudit("--isolated " + dir).code == 1);
  const Result settings = poolaudit("--show-settings " + dir);
  CHECK(settings.code == 0);
  CHECK(settings.out.find("pyproject.toml [tool.poolaudit]") != std::string::npos);
  CHECK(settings.out.find("fail-on: never") != std::string::npos);
  project.write("strict.toml", "select = [\"PA1\"]\n");
  CHECK(poolaudit("--config " + quote((project.path() / "strict.toml").string()) + " " + dir).code == 1);
  CHECK(poolaudit("--isolated --per-file-ignores 'db.py:PA101' " + dir).code == 0);
  const Result bad = poolaudit("--config " + quote((project.path() / "pyproject.toml").string()) + " --isolated " + dir);
  CHECK(bad.code == 2);
  CHECK(lines(bad.err) == 1);
  // Baseline round trip through the binary; the unused-suppression report is a diagnostic.
  const std::string baseline = quote((project.path() / "baseline.json").string());
  const Result wrote = poolaudit("--isolated --write-baseline " + baseline + " " + dir);
  CHECK(wrote.code == 0);
  CHECK(wrote.out.find("wrote 1 finding") != std::string::npos);
  const Result clean = poolaudit("--isolated -q --baseline " + baseline + " " + dir);
  CHECK(clean.code == 0);
  CHECK(clean.out.find("1 suppressed (1 by the baseline)") != std::string::npos);
  project.write("app/extra.py", "x = 1  # poolaudit: ignore[PA101]\n");
  const Result unused = poolaudit("--isolated -q --report-unused-suppressions --baseline " + baseline + " " + dir);
  CHECK(unused.code == 0);
  CHECK(unused.out.find("[PA005]") != std::string::npos);
}

TEST_CASE("cli: a report that cannot be written is exit 2, and no half-written report is left") {
  tests::TempDir project;
  write_nullpool_project(project);
  const std::string args = "--select PA101 " + quote(project.path().string());
  if (fs::exists("/dev/full")) {
    const Result to_stdout = shell("sh -c " + quote(quote(POOLAUDIT_BINARY) + " " + args + " >/dev/full"));
    CHECK(to_stdout.code == 2);
    CHECK(to_stdout.err.find("cannot write") != std::string::npos);
    const Result to_device = poolaudit(args + " -o /dev/full");
    CHECK(to_device.code == 2);
  }
  const fs::path missing = project.path() / "no" / "such" / "dir" / "report.json";
  const Result to_missing = poolaudit(args + " --format json -o " + quote(missing.string()));
  CHECK(to_missing.code == 2);
  CHECK_FALSE(fs::exists(missing.parent_path()));
}

TEST_CASE("cli: one file of a project is audited with its project; --files-only audits it alone") {
  tests::TempDir project;
  project.write("pyproject.toml", "[project]\nname = 'svc'\n");
  project.write("app/__init__.py", "");
  // The pool class comes from a settings module that names nothing the pre-filter looks for.
  project.write("app/config.py", "POOL_OPTIONS = {'pool_size': 5, 'pool_pre_ping': True}\n");
  project.write("app/db.py",
                "from sqlalchemy import create_engine\n"
                "from sqlalchemy.pool import NullPool\n"
                "from app.config import POOL_OPTIONS\n"
                "engine = create_engine('postgresql://db.internal/app', poolclass=NullPool, **POOL_OPTIONS)\n");
  project.write("app/other.py",
                "from sqlalchemy import create_engine\n"
                "from sqlalchemy.pool import NullPool\n"
                "engine = create_engine('postgresql://db.internal/x', poolclass=NullPool, pool_size=1)\n");
  const std::string db = quote((project.path() / "app" / "db.py").string());
  const Result single = poolaudit("--select PA101 -q " + db);
  CHECK(single.code == 1);
  CHECK(single.out.find("db.py:4:10") != std::string::npos);
  CHECK(single.out.find("other.py") == std::string::npos);  // reported for the named file only
  CHECK(single.out.find("in 1 file") != std::string::npos);
  const Result alone = poolaudit("--select PA101 -q --files-only " + db);
  CHECK(alone.code == 0);  // without app/config.py the options are unknown: silence
  const Result unfiltered = poolaudit("--select PA101 -q --no-prefilter " + quote(project.path().string()));
  const Result filtered = poolaudit("--select PA101 -q " + quote(project.path().string()));
  CHECK(filtered.out == unfiltered.out);
}

TEST_CASE("cli: unreadable files and directories, also when the tests run as root") {
  // root reads chmod 000 files, so the binary runs as `nobody` when the suite runs as root (as CI
  // does); where that is impossible (no setpriv, a build tree nobody may enter) the case says so.
  tests::TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  write_nullpool_project(dir);
  const fs::path secret = dir.write("app/secret.py", "from sqlalchemy import create_engine\n");
  dir.write("locked/inner.py", "from sqlalchemy import create_engine\n");
  for (const fs::path& p : {dir.path() / "app", dir.path() / "app" / "db.py"}) {
    fs::permissions(p, fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
  }
  fs::permissions(secret, fs::perms::none);
  fs::permissions(dir.path() / "locked", fs::perms::none);
  std::string as = "";
  if (geteuid() == 0) {
    as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    if (shell(as + quote(POOLAUDIT_BINARY) + " --version").code != 0) {
      MESSAGE("cannot run the binary as nobody here: unreadable-file check skipped");
      return;
    }
  }
  const Result r = shell("env -u NO_COLOR " + as + quote(POOLAUDIT_BINARY) + " --no-prefilter --select PA101 " +
                         quote(dir.path().string()));
  INFO(r.out << r.err);
  CHECK(r.code == 1);  // the readable file's finding still fails the run
  CHECK(r.out.find("db.py:3:10: error:") != std::string::npos);
  CHECK(r.out.find("secret.py") != std::string::npos);
  CHECK(r.out.find("cannot read directory") != std::string::npos);
  CHECK(r.out.find("[PA002]") != std::string::npos);
}
