// Hierarchical configuration (issue 14): each file gets the closest configuration above it, `extend`
// inherits, `--config` fixes one for all, and the order of the paths changes nothing. The monorepo
// fixture (fixtures/projects/monorepo_configs) has a root pyproject.toml, services/billing extending
// it and ignoring PA101, and services/orders with its own settings (extend-select PA114,
// fail-on = "error"); the binary runs from the repository, from a service's directory and on a list
// of files, as CI and pre-commit run it.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "app/config_tree.h"
#include "app/inputs.h"
#include "tests/cli_run.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kMonorepo = "fixtures/projects/monorepo_configs";
constexpr const char* kShared = "fixtures/projects/monorepo_configs/shared/db.py";
constexpr const char* kBilling = "fixtures/projects/monorepo_configs/services/billing/app/db.py";
constexpr const char* kOrders = "fixtures/projects/monorepo_configs/services/orders/app/db.py";

/// `poolaudit args` run in `directory` (relative to the repository).
tests::CliResult poolaudit_in(const std::string& directory, const std::string& args) {
  return tests::run_shell("cd " + tests::shell_quote(directory) + " && env -u NO_COLOR " +
                          tests::shell_quote(POOLAUDIT_BINARY) + " " + args);
}

/// "PA101:error" per finding, by the file's name relative to the monorepo (shared/db.py, ...);
/// `below` is where the run was, for the paths relative to it ("services/orders/").
std::map<std::string, std::set<std::string>> findings_by_file(const std::string& json_text,
                                                              const std::string& below = "") {
  std::map<std::string, std::set<std::string>> out;
  const nlohmann::json report = nlohmann::json::parse(json_text);
  for (const auto& f : report["findings"]) {
    std::string path = f["path"].get<std::string>();
    const size_t at = path.find("shared/");
    const size_t service = path.find("services/");
    path = service != std::string::npos ? path.substr(service)
           : at != std::string::npos    ? path.substr(at)
                                        : below + path;
    out[path].insert(f["rule"].get<std::string>() + ":" + f["severity"].get<std::string>());
  }
  return out;
}

const std::set<std::string> kSharedExpected = {"PA101:error", "PA112:warning"};  // root: ignore PA103, PA112 graded up
const std::set<std::string> kBillingExpected = {"PA112:warning"};               // + its own ignore PA101
const std::set<std::string> kOrdersExpected = {"PA103:info", "PA112:info", "PA114:info"};  // its own settings only

}  // namespace

TEST_CASE("config hierarchy: from the repository root, each service's files get their own settings") {
  const tests::CliResult r = poolaudit_in(".", std::string("--format json ") + kMonorepo);
  REQUIRE(r.code == 1);  // shared/db.py: PA101 is an error
  const auto found = findings_by_file(r.out);
  CHECK(found.at("shared/db.py") == kSharedExpected);
  CHECK(found.at("services/billing/app/db.py") == kBillingExpected);
  CHECK(found.at("services/orders/app/db.py") == kOrdersExpected);
}

TEST_CASE("config hierarchy: from a service's directory, its configuration and its fail-on apply") {
  const std::string orders = std::string(kMonorepo) + "/services/orders";
  const tests::CliResult in_orders = poolaudit_in(orders, "--format json .");
  CHECK(in_orders.code == 0);  // fail-on = "error": infos only
  CHECK(findings_by_file(in_orders.out, "services/orders/").at("services/orders/app/db.py") == kOrdersExpected);
  const tests::CliResult in_billing = poolaudit_in(std::string(kMonorepo) + "/services/billing", "--format json app");
  CHECK(in_billing.code == 1);  // PA112 is a warning there (inherited severity), fail-on warning
  CHECK(findings_by_file(in_billing.out, "services/billing/").at("services/billing/app/db.py") == kBillingExpected);
  // A sub-directory of a service: still the service's configuration (the closest above).
  const tests::CliResult in_app = poolaudit_in(orders + "/app", "--format json db.py");
  CHECK(in_app.code == 0);
  CHECK(findings_by_file(in_app.out, "services/orders/app/").at("services/orders/app/db.py") == kOrdersExpected);
}

TEST_CASE("config hierarchy: any order of the same paths gives the same output and exit code") {
  std::vector<std::string> files = {kShared, kBilling, kOrders};
  std::sort(files.begin(), files.end());
  std::string text;
  std::string json;
  int code = -1;
  int orders = 0;
  do {
    const std::string args = files[0] + " " + files[1] + " " + files[2];
    CAPTURE(args);
    const tests::CliResult as_text = poolaudit_in(".", "--color never " + args);
    const tests::CliResult as_json = poolaudit_in(".", "--format json " + args);
    if (orders++ == 0) {
      text = as_text.out;
      json = as_json.out;
      code = as_text.code;
      const auto found = findings_by_file(json);
      CHECK(found.at("shared/db.py") == kSharedExpected);
      CHECK(found.at("services/billing/app/db.py") == kBillingExpected);
      CHECK(found.at("services/orders/app/db.py") == kOrdersExpected);
    }
    CHECK(as_text.code == code);
    CHECK(as_json.code == code);
    CHECK(as_text.out == text);
    CHECK(as_json.out == json);
  } while (std::next_permutation(files.begin(), files.end()));
  CHECK(orders == 6);
  CHECK(code == 1);
  // Directories, overlapping ones included (the repository and a service inside it).
  std::vector<std::string> dirs = {std::string(kMonorepo) + "/services/orders", std::string(kMonorepo) + "/shared",
                                   kMonorepo};
  std::sort(dirs.begin(), dirs.end());
  const tests::CliResult first = poolaudit_in(".", "--format json " + dirs[0] + " " + dirs[1] + " " + dirs[2]);
  CHECK(first.code == 1);
  CHECK(findings_by_file(first.out).at("services/billing/app/db.py") == kBillingExpected);
  while (std::next_permutation(dirs.begin(), dirs.end())) {
    const std::string args = dirs[0] + " " + dirs[1] + " " + dirs[2];
    CAPTURE(args);
    const tests::CliResult again = poolaudit_in(".", "--format json " + args);
    CHECK(again.code == first.code);
    CHECK(again.out == first.out);
  }
  // Two services without the root's files: orders' fail-on does not decide billing's warning.
  for (const std::string& args : {std::string(kOrders) + " " + kBilling, std::string(kBilling) + " " + kOrders}) {
    CAPTURE(args);
    CHECK(poolaudit_in(".", "--format json " + args).code == 1);
  }
  CHECK(poolaudit_in(".", std::string("--format json ") + kOrders).code == 0);
}

TEST_CASE("config hierarchy: --config applies one file to every file; the command line overrides all") {
  const std::string root_config = std::string(kMonorepo) + "/pyproject.toml";
  const tests::CliResult fixed = poolaudit_in(".", "--format json --config " + root_config + " " + kMonorepo);
  const auto found = findings_by_file(fixed.out);
  CHECK(found.at("services/billing/app/db.py") == kSharedExpected);  // billing's own ignore is not read
  CHECK(found.at("services/orders/app/db.py") == std::set<std::string>{"PA112:warning"});
  const tests::CliResult flags = poolaudit_in(".", std::string("--format json --ignore PA112 --select PA1 ") + kMonorepo);
  const auto flagged = findings_by_file(flags.out);
  // --select resets each file's select and ignore; --ignore then applies everywhere.
  const std::set<std::string> prefix_pa1 = {"PA101:error", "PA103:info", "PA114:info"};  // PA1 takes opt-in PA114
  CHECK(flagged.at("shared/db.py") == prefix_pa1);
  CHECK(flagged.at("services/billing/app/db.py") == prefix_pa1);
  CHECK(flagged.at("services/orders/app/db.py") == std::set<std::string>{"PA103:info", "PA114:info"});
  const tests::CliResult isolated = poolaudit_in(".", std::string("--format json --isolated ") + kMonorepo);
  CHECK(findings_by_file(isolated.out).at("services/billing/app/db.py") ==
        std::set<std::string>{"PA101:error", "PA103:info", "PA112:info"});
}

TEST_CASE("config hierarchy: --show-settings FILE names the configuration chain") {
  const tests::CliResult billing = poolaudit_in(".", std::string("--show-settings ") + kBilling);
  CHECK(billing.code == 0);
  CHECK(billing.out.find("settings for: " + std::string(kBilling) + "\n") != std::string::npos);
  CHECK(billing.out.find("configuration: " + std::string(kMonorepo) + "/services/billing/.poolaudit.toml\n") !=
        std::string::npos);
  CHECK(billing.out.find("  extends: " + std::string(kMonorepo) + "/pyproject.toml [tool.poolaudit]\n") !=
        std::string::npos);
  CHECK(billing.out.find("ignore: PA103, PA101\n") != std::string::npos);
  CHECK(billing.out.find("severity: PA112=warning\n") != std::string::npos);
  const tests::CliResult orders = poolaudit_in(".", std::string("--show-settings ") + kOrders);
  CHECK(orders.out.find("configuration: " + std::string(kMonorepo) + "/services/orders/pyproject.toml [tool.poolaudit]\n") !=
        std::string::npos);
  CHECK(orders.out.find("extends:") == std::string::npos);
  CHECK(orders.out.find("fail-on: error\n") != std::string::npos);
  CHECK(orders.out.find("PA114") != std::string::npos);
  tests::TempDir dir;
  dir.write("app/db.py", "x = 1\n");
  const tests::CliResult none = poolaudit_in(dir.path().string(), "--show-settings app/db.py");
  CHECK(none.code == 0);
  CHECK(none.out.find("configuration: none found: defaults\n") != std::string::npos);
}

TEST_CASE("config hierarchy: extend cycles, missing bases and bad nested files are exit 2 naming the file") {
  tests::TempDir dir;
  dir.write("svc/app/db.py", "x = 1\n");
  dir.write("svc/.poolaudit.toml", "extend = \"../base.toml\"\n");
  dir.write("base.toml", "extend = \"svc/.poolaudit.toml\"\n");
  tests::CliResult r = poolaudit_in(dir.path().string(), "svc");
  CHECK(r.code == 2);
  CHECK(r.err.find("svc/.poolaudit.toml") != std::string::npos);
  CHECK(r.err.find("extend: cycle: ") != std::string::npos);
  dir.write("svc/.poolaudit.toml", "extend = \"../missing.toml\"\n");
  r = poolaudit_in(dir.path().string(), "svc");
  CHECK(r.code == 2);
  CHECK(r.err.find("svc/.poolaudit.toml:1:10: extend: configuration file not found: missing.toml") != std::string::npos);
  // A bad key in a nested configuration met while walking from above: its file and line.
  dir.write("svc/.poolaudit.toml", "select = [\"PA101\"]\nfail_on = \"error\"\n");
  dir.write("pyproject.toml", "[tool.poolaudit]\nignore = [\"PA103\"]\n");
  r = poolaudit_in(dir.path().string(), ".");
  CHECK(r.code == 2);
  CHECK(r.err.find("svc/.poolaudit.toml:2:1: fail_on: unknown key (did you mean \"fail-on\"?)") != std::string::npos);
  // A bad base names the base.
  dir.write("svc/.poolaudit.toml", "extend = \"../pyproject.toml\"\n");
  dir.write("pyproject.toml", "[tool.poolaudit]\nignore = [\"PA999\"]\n");
  r = poolaudit_in(dir.path().string(), "svc/app/db.py");
  CHECK(r.code == 2);
  CHECK(r.err.find("pyproject.toml:2:") != std::string::npos);
}

TEST_CASE("config hierarchy: common_directory is the deepest directory holding every path, in any order") {
  tests::TempDir dir;
  dir.write("m/svc/a/x.py", "");
  dir.write("m/svc/b/y.py", "");
  const std::string root = dir.path().string();
  CHECK(app::common_directory({root + "/m/svc/a/x.py", root + "/m/svc/b"}) == root + "/m/svc");
  CHECK(app::common_directory({root + "/m/svc/b", root + "/m/svc/a/x.py"}) == root + "/m/svc");
  CHECK(app::common_directory({root + "/m/svc/a/x.py"}) == root + "/m/svc/a");
  CHECK(app::common_directory({root + "/m/svc/a/"}) == root + "/m/svc/a");
  CHECK(app::common_directory({root + "/m/svc/a/x.py", root + "/m/svc/a/../b/y.py"}) == root + "/m/svc");
}

TEST_CASE("config hierarchy: SettingsTree finds the closest file per directory; extend layers like ruff") {
  tests::TempDir dir;
  const std::string root = dir.path().string();
  dir.write("pyproject.toml",
            "[tool.poolaudit]\nselect = [\"PA1\"]\nignore = [\"PA103\"]\nexclude = [\"gen/\"]\n"
            "extend-exclude = [\"tmp/\"]\nseverity = { PA112 = \"warning\" }\nworkers = 4\n");
  // In one directory .poolaudit.toml wins over pyproject.toml (ruff: .ruff.toml > ruff.toml > pyproject.toml).
  dir.write("a/pyproject.toml", "[tool.poolaudit]\nselect = [\"PA2\"]\n");
  dir.write("a/.poolaudit.toml", "extend = \"../pyproject.toml\"\nignore = [\"PA101\"]\nexclude = [\"vendor/\"]\n");
  dir.write("b/poolaudit.toml", "extend = \"../pyproject.toml\"\nselect = [\"PA3\"]\nseverity = { PA301 = \"error\" }\n");
  dir.write("c/pyproject.toml", "[project]\nname = 'c'\n");  // no [tool.poolaudit]: does not count
  app::Options options;
  options.paths = {root};
  std::string error;
  std::optional<app::SettingsTree> tree = app::SettingsTree::resolve(options, error);
  REQUIRE(tree);
  CHECK(tree->project().file == app::display_path(root + "/pyproject.toml"));

  const app::Settings& a = tree->for_file(root + "/a/deep/er/x.py");
  CHECK(a.file == app::display_path(root + "/a/.poolaudit.toml"));
  REQUIRE(a.chain.size() == 2);
  CHECK(a.chain[1] == app::display_path(root + "/pyproject.toml") + " [tool.poolaudit]");
  // Without its own select, the extending file's ignore adds to the base's.
  CHECK(a.options.select == std::vector<std::string>{"PA1"});
  CHECK(a.options.ignore == std::vector<std::string>{"PA103", "PA101"});
  // exclude replaces the base's (anchored at the file that wrote it); extend-exclude adds.
  CHECK(a.options.exclude == std::vector<std::string>{root + "/a/vendor/", root + "/tmp/"});
  CHECK(a.severity.at("PA112") == core::Severity::kWarning);
  CHECK(a.workers == std::optional<int>(4));

  const app::Settings& b = tree->for_file(root + "/b/y.py");
  // Its own select resets the base's ignore; a table key replaces the base's table.
  CHECK(b.options.select == std::vector<std::string>{"PA3"});
  CHECK(b.options.ignore.empty());
  CHECK(b.severity.size() == 1);
  CHECK(b.severity.at("PA301") == core::Severity::kError);

  // c/ has a pyproject.toml without the table: the root's applies; so it does above every file.
  CHECK(&tree->for_file(root + "/c/z.py") == &tree->project());
  CHECK(&tree->for_file(root + "/top.py") == &tree->project());
  CHECK(&tree->for_directory(root + "/a") == &a);
  CHECK(tree->error().empty());

  // --config: one file for every file, no discovery.
  options.config = root + "/b/poolaudit.toml";
  std::optional<app::SettingsTree> fixed = app::SettingsTree::resolve(options, error);
  REQUIRE(fixed);
  CHECK(&fixed->for_file(root + "/a/x.py") == &fixed->project());
  CHECK(fixed->project().options.select == std::vector<std::string>{"PA3"});
}

TEST_CASE("config hierarchy: a nested exclude and roles apply below their directory only") {
  tests::TempDir dir;
  const std::string engine =
      "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
      "engine = create_engine('postgresql://db/app', poolclass=NullPool, pool_size=5, echo=True)\n";
  dir.write("pyproject.toml", "[project]\nname = 'repo'\n[tool.poolaudit]\nfail-on = \"error\"\n");
  dir.write("svc/.poolaudit.toml", "exclude = [\"gen/\"]\n[roles]\ntest = [\"qa/*\"]\n");
  for (const char* file : {"gen/db.py", "qa/db.py", "svc/gen/db.py", "svc/qa/db.py", "svc/app/db.py"}) {
    dir.write(file, engine);
  }
  auto rules_by_path = [](const tests::CliResult& r) {
    std::map<std::string, std::set<std::string>> out;
    const nlohmann::json report = nlohmann::json::parse(r.out);  // alive through the loop
    for (const auto& f : report["findings"]) {
      out[f["path"].get<std::string>()].insert(f["rule"].get<std::string>());
    }
    return out;
  };
  const tests::CliResult all = poolaudit_in(dir.path().string(), "--format json .");
  CAPTURE(all.err);
  const auto found = rules_by_path(all);
  CHECK(found.count("svc/gen/db.py") == 0);  // svc's exclude
  CHECK(found.count("gen/db.py") == 1);      // not below svc/
  CHECK(found.at("qa/db.py").count("PA112") == 1);
  CHECK(found.at("svc/qa/db.py").count("PA112") == 0);  // a test there: PA112 is not for tests
  CHECK(found.at("svc/qa/db.py").count("PA101") == 1);
  CHECK(found.at("svc/app/db.py").count("PA112") == 1);
  // Named explicitly, an excluded file is audited unless --force-exclude (as with the project's).
  CHECK(rules_by_path(poolaudit_in(dir.path().string(), "--format json svc/gen/db.py gen/db.py"))
            .count("svc/gen/db.py") == 1);
  CHECK(rules_by_path(poolaudit_in(dir.path().string(), "--format json --force-exclude svc/gen/db.py gen/db.py"))
            .count("svc/gen/db.py") == 0);
}

TEST_CASE("config hierarchy: each service's own configuration gives it its context keys and version") {
  // fixtures/configs/monorepo_service_configs: the root says `serverless = false`, `workers = 2`;
  // services/api's own pyproject.toml `serverless = true` and `sqlalchemy-version = "1.4"`;
  // services/jobs extends the root with `workers = 8`, `max-connections = 60`.
  constexpr const char* kRepo = "fixtures/configs/monorepo_service_configs";
  for (const std::string& from : {std::string("."), std::string(kRepo) + "/services"}) {
    const std::string target = from == "." ? std::string(kRepo) : std::string("..");
    const tests::CliResult r = poolaudit_in(from, "--format json --exit-zero " + target);
    REQUIRE(r.code == 0);
    const nlohmann::json report = nlohmann::json::parse(r.out);
    std::map<std::string, std::set<std::string>> found;
    for (const auto& f : report["findings"]) {
      std::string path = f["path"].get<std::string>();
      path = path.substr(path.rfind('/', path.rfind('/') - 1) + 1);
      found[path].insert(f["rule"].get<std::string>());
    }
    INFO("from " << from << ": " << r.out.substr(0, 2000));
    // The API is serverless by its own configuration; the jobs service's 8 × 10 = 80 exceed its 60;
    // shared/ keeps the root's context (not serverless, 2 × 10 ≤ 100).
    CHECK(found["api/handler.py"] == std::set<std::string>{"PA104"});
    CHECK(found["jobs/jobs.py"] == std::set<std::string>{"PA105"});
    CHECK(found.count("shared/reporting.py") == 0);
    std::string jobs_message;
    for (const auto& f : report["findings"]) {
      if (f["rule"] == "PA105") jobs_message = f["message"].get<std::string>();
    }
    CHECK(jobs_message.find("8 processes × (10) = 80 > 60 (config `max-connections` in ") != std::string::npos);
    std::map<std::string, nlohmann::json> services;
    for (const auto& s : report["deployment"]["services"]) {
      const std::string path = s["path"].get<std::string>();
      services[path.substr(path.rfind('/') + 1)] = s;
    }
    REQUIRE(services.count("api") == 1);
    REQUIRE(services.count("jobs") == 1);
    CHECK(services["api"]["platform"] == "serverless (config)");
    CHECK(services["api"]["versions"][0]["text"].get<std::string>().find("SQLAlchemy 1.4.0 (config: ") == 0);
    CHECK(services["jobs"]["versions"][0]["text"].get<std::string>().find("SQLAlchemy 2.0.30 (") == 0);
    CHECK(services["jobs"]["processes"][0]["text"].get<std::string>().find("8 workers") != std::string::npos);
  }
  // --show-settings FILE shows the keys of the configuration that applies to the file's directory.
  const tests::CliResult api = poolaudit_in(".", std::string("--show-settings ") + kRepo + "/services/api/handler.py");
  CHECK(api.out.find("serverless: true\n") != std::string::npos);
  CHECK(api.out.find("sqlalchemy-version: 1.4") != std::string::npos);
  const tests::CliResult jobs = poolaudit_in(".", std::string("--show-settings ") + kRepo + "/services/jobs/jobs.py");
  CHECK(jobs.out.find("workers: 8\n") != std::string::npos);
  CHECK(jobs.out.find("max-connections: 60\n") != std::string::npos);
  CHECK(jobs.out.find("serverless: false\n") != std::string::npos);  // inherited through `extend`
}
