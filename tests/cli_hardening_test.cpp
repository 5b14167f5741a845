// The command line under hostile input, as a root CI job meets it: crashes,
// exceptions, strange file names, planted links, control characters and bad
// values must end in a report or a one-line message with exit 2, never an
// abort, a raw byte on the terminal or a write through a link.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_run.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;
using tests::CliResult;
using tests::run_poolaudit;
using tests::shell_quote;
using tests::slurp;

namespace {

constexpr const char* kNullPoolEngine =
    "from sqlalchemy import create_engine\n"
    "from sqlalchemy.pool import NullPool\n"
    "engine = create_engine('postgresql://db.internal/app', "
    "poolclass=NullPool, pool_size=5)\n";

size_t count_lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// True when `s` holds a C0 control other than the newline ending its lines,
/// DEL, or a C1 control.
bool has_raw_control(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE(
    "cli: the two-line file that crashed tree-sitter error recovery is "
    "audited with the rest") {
  tests::TempDir project;
  project.write("app/crash.py",
                "from sqlalchemy.orm import sessionmaker\nclass g(sessionmaker()():\n");
  project.write("app/db.py", kNullPoolEngine);
  const CliResult r = run_poolaudit("--no-prefilter " + shell_quote(project.path().string()));
  INFO(r.out << r.err);
  CHECK(r.code == 1);  // not 139 (SIGSEGV): the other file's finding is reported
  CHECK(r.out.find("db.py:3:10: error:") != std::string::npos);
  CHECK(r.out.find("crash.py:2:") != std::string::npos);  // PA001 where the parser recovered
}

TEST_CASE(
    "cli: a file name that is not UTF-8 works in every format and in "
    "baselines") {
  tests::TempDir project;
  project.write("app/caf\xe9.py", kNullPoolEngine);
  const std::string dir = shell_quote(project.path().string());
  // One spelling everywhere: `\xE9`, JSON-escaped in JSON and GitLab, percent-encoded in SARIF
  // URIs.
  const std::pair<std::string, std::string> kSpellings[] = {
      {"text", "caf\\xE9.py"},   {"markdown", "caf\\xE9.py"}, {"github", "caf\\xE9.py"},
      {"json", "caf\\\\xE9.py"}, {"gitlab", "caf\\\\xE9.py"}, {"sarif", "caf%5CxE9.py"}};
  for (const auto& [format, spelling] : kSpellings) {
    INFO(format);
    const CliResult r = run_poolaudit("--select PA101 --format " + format + " " + dir);
    CHECK(r.code == 1);
    CHECK(r.err.empty());
    CHECK(r.out.find(spelling) != std::string::npos);
    CHECK(r.out.find("caf\xe9") == std::string::npos);
  }
  const nlohmann::json json =
      nlohmann::json::parse(run_poolaudit("--select PA101 --format json " + dir).out);
  CHECK(json["findings"][0]["path"].get<std::string>().ends_with("app/caf\\xE9.py"));
  const nlohmann::json gitlab =
      nlohmann::json::parse(run_poolaudit("--select PA101 --format gitlab " + dir).out);
  CHECK(gitlab[0]["location"]["path"].get<std::string>().ends_with("app/caf\\xE9.py"));

  // The baseline records the same spelling and matches it on the next run.
  tests::TempDir out;
  const std::string baseline = shell_quote((out.path() / "baseline.json").string());
  const CliResult written =
      run_poolaudit("--select PA101 --write-baseline " + baseline + " " + dir);
  INFO(written.err);
  CHECK(written.code == 0);
  CHECK(slurp(out.path() / "baseline.json").find("caf\\\\xE9.py") !=
        std::string::npos);  // JSON-escaped backslash
  CHECK(run_poolaudit("--select PA101 --baseline " + baseline + " " + dir).code == 0);
}

TEST_CASE(
    "cli: baselines: a directory is a message and exit 2; a failed write "
    "keeps the old file") {
  tests::TempDir project;
  project.write("app/db.py", kNullPoolEngine);
  const std::string dir = shell_quote(project.path().string());
  tests::TempDir out;
  const CliResult as_dir =
      run_poolaudit("--baseline " + shell_quote(out.path().string()) + " " + dir);
  CHECK(as_dir.code == 2);
  CHECK(count_lines(as_dir.err) == 1);
  CHECK(as_dir.err.find("directory") != std::string::npos);
  CHECK(as_dir.err.find("internal error") == std::string::npos);

  const fs::path baseline =
      out.write("baseline.json", "{\"poolaudit_baseline\": 1, \"findings\": []}\n");
  const std::string before = slurp(baseline);
  // The run fails before writing (a path that does not exist): the old baseline
  // is intact.
  CHECK(
      run_poolaudit("--write-baseline " + shell_quote(baseline.string()) + " no/such/path").code ==
      2);
  CHECK(slurp(baseline) == before);
  // The baseline's target is a directory: the rename fails, nothing is left
  // behind.
  fs::create_directory(out.path() / "taken");
  CHECK(
      run_poolaudit("--write-baseline " + shell_quote((out.path() / "taken").string()) + " " + dir)
          .code == 2);
  // A successful write replaces the file whole, through a temporary that does
  // not stay.
  CHECK(
      run_poolaudit("--select PA101 --write-baseline " + shell_quote(baseline.string()) + " " + dir)
          .code == 0);
  CHECK(nlohmann::json::parse(slurp(baseline))["findings"].size() == 1);
  for (const auto& e : fs::directory_iterator(out.path())) {
    INFO(e.path().string());
    CHECK(e.path().filename().string().find("poolaudit-") == std::string::npos);
  }
}

TEST_CASE("cli: -o through a symlink writes the link's target; the link stays") {
  tests::TempDir project;
  project.write("app/db.py", kNullPoolEngine);
  tests::TempDir out;
  const fs::path target = out.write("reports/real.json", "old");
  const fs::path link = out.path() / "report.json";
  fs::create_symlink("reports/real.json", link);
  const CliResult r =
      run_poolaudit("--select PA101 --format json -o " + shell_quote(link.string()) + " " +
                    shell_quote(project.path().string()));
  CHECK(r.code == 1);
  CHECK(fs::is_symlink(fs::symlink_status(link)));
  CHECK(nlohmann::json::parse(slurp(target))["findings"].size() == 1);
  for (const auto& e : fs::recursive_directory_iterator(out.path())) {
    CHECK(e.path().filename().string().find("poolaudit-") == std::string::npos);
  }
}

TEST_CASE(
    "cli: control characters from the source and file names are escaped "
    "in text, markdown, github") {
  tests::TempDir project;
  // A URL whose string holds a newline and a workflow command, ESC and BEL; a
  // file name with a newline that imitates a finding line and a workflow
  // command.
  const std::string hostile =
      "from sqlalchemy import create_engine\n"
      "from sqlalchemy.pool import NullPool\n"
      "engine = create_engine(\"\"\"postgresql://db/app\n::error "
      "file=X::injected\x1b[2J\x07\xc2\x9b\"\"\", "
      "poolclass=NullPool, pool_size=5)\n";
  project.write("app/db.py", hostile);
  project.write("app/evil\n::error file=Y::name\nfake.py:1:1: error: forged [PA101].py", hostile);
  const std::string dir = shell_quote(project.path().string());
  for (const char* format : {"text", "markdown", "github"}) {
    INFO(format);
    const CliResult r =
        run_poolaudit("--select ALL --color always --format " + std::string(format) + " " + dir);
    CHECK(r.code == 1);
    const bool github = std::string(format) == "github";
    for (const std::string& line : split_lines(r.out)) {
      INFO(line);
      if (github) {
        CHECK((line.rfind("::error file=", 0) == 0 || line.rfind("::warning file=", 0) == 0 ||
               line.rfind("::notice file=", 0) == 0));
      } else {
        CHECK(line.rfind("::", 0) == std::string::npos);
        CHECK(line.rfind("fake.py", 0) == std::string::npos);
      }
    }
    std::string without_colors =
        r.out;  // --color always: our own SGR codes are the only ESC allowed
    for (const char* sgr : {"\033[0m", "\033[1m", "\033[2m", "\033[1;31m", "\033[1;33m", "\033[1;34m",
                            "\033[1;36m", "\033[32m", "\033[31m"}) {
      for (size_t at; (at = without_colors.find(sgr)) != std::string::npos;)
        without_colors.erase(at, std::string(sgr).size());
    }
    CHECK_FALSE(has_raw_control(without_colors));
    CHECK(r.out.find("\\n::error file=X::injected\\x1B[2J\\x07\\u{009B}") != std::string::npos);
  }
}

TEST_CASE("cli: bad values exit 2 with a one-line message") {
  tests::TempDir dir;
  dir.write("app/db.py", kNullPoolEngine);
  const std::string project = shell_quote(dir.path().string());
  const struct {
    std::string args;
    const char* says;
  } kCases[] = {
      {"--files-from " + shell_quote(dir.path().string()) + " " + project, "directory"},
      {"--max-file-size -1 " + project, "max-file-size"},
      {"--max-file-size 0 " + project, "max-file-size"},
      {"--max-file-size 10MB " + project, "max-file-size"},
      {"--select '' " + project, "--select"},
      {"--ignore '' " + project, "--ignore"},
      {"--extend-select '' " + project, "--extend-select"},
      {"--select PA101, " + project, "--select"},
      {"--ignore ,PA1 " + project, "--ignore"},
      {"--extend-select PA1,,PA2 " + project, "--extend-select"},
      {"--selct PA101 " + project, "selct"},
      {"--explain ''", "--explain"},
      {"--max-file-sise 10 " + project, "max-file-sise"},
  };
  for (const auto& c : kCases) {
    INFO(c.args);
    const CliResult r = run_poolaudit(c.args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.rfind("poolaudit: ", 0) == 0);
    CHECK(r.err.find(c.says) != std::string::npos);
  }
  CHECK(run_poolaudit("--max-file-size 1048576 --select PA101 " + project).code == 1);
}

TEST_CASE(
    "cli: a named file that cannot be audited fails the run (exit 2) "
    "after the report") {
  tests::TempDir dir;
  const fs::path db = dir.write("app/db.py", kNullPoolEngine);
  std::string utf16 = "\xFF\xFE";
  for (const char c : std::string(kNullPoolEngine)) utf16 += std::string{c, '\0'};
  const fs::path wide = dir.write("app/wide.py", utf16);
  const CliResult r = run_poolaudit("--select PA101 --exit-zero " + shell_quote(db.string()) + " " +
                                    shell_quote(wide.string()));
  INFO(r.out << r.err);
  CHECK(r.code == 2);
  CHECK(r.out.find("db.py:3:10: error:") != std::string::npos);  // the rest is still reported
  CHECK(r.out.find("UTF-16 (little-endian)") != std::string::npos);
  CHECK(r.err.find("wide.py was not audited") != std::string::npos);
  // A baseline that silently lacks the file's findings would hide them later: none is written.
  tests::TempDir out;
  const fs::path baseline = out.path() / "baseline.json";
  CHECK(run_poolaudit("--write-baseline " + shell_quote(baseline.string()) + " " +
                      shell_quote(wide.string()))
            .code == 2);
  CHECK_FALSE(fs::exists(baseline));
  // The same file found by walking a directory is a diagnostic only.
  CHECK(run_poolaudit("--select PA101 --exit-zero " + shell_quote(dir.path().string())).code == 0);

  // Over --max-file-size: the real size, not rounded down to the limit, and a
  // fix that fits.
  const fs::path big = dir.write("big/big.py", std::string(1536, '#'));
  const CliResult large =
      run_poolaudit("--max-file-size 1024 --format json " + shell_quote(big.string()));
  CHECK(large.code == 2);
  const nlohmann::json d = nlohmann::json::parse(large.out)["diagnostics"][0];
  INFO(d.dump());
  CHECK(d["message"].get<std::string>().find("1536 bytes (1.5 KiB)") != std::string::npos);
  CHECK(d["message"].get<std::string>().find("1024 bytes (1 KiB)") != std::string::npos);
  CHECK(d.dump().find("encoding") == std::string::npos);
}

TEST_CASE("cli: --dump-facts quotes source text without raw control characters") {
  tests::TempDir dir;
  const fs::path db = dir.write(
      "app/db.py",
      "from sqlalchemy import create_engine\n"
      "engine = create_engine('postgresql://db.internal/app\\x1b[2J\\x07', pool_size=5)\n"
      "label = 'evil\x1b]0;title\x07\xe2\x80\xae'\n"
      "engine2 = create_engine(f'sqlite:///{label}\x1b[31m.db')\n");
  const CliResult r = run_poolaudit("--dump-facts " + shell_quote(db.string()));
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("create_engine") != std::string::npos);
  CHECK(count_lines(r.out) > 2);  // line breaks of the dump stay line breaks
  CHECK_FALSE(has_raw_control(r.out));
  CHECK(r.out.find("\xe2\x80\xae") == std::string::npos);
}
