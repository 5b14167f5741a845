// The facts cache (src/app/facts_cache.h): a run with it reports exactly what a run without it
// reports, cold, warm, after an edit, after a configuration change and over a corrupt entry; the
// directory is marked as a cache; --no-cache writes nothing; concurrent runs leave it sound.
// A handful of representative projects only: each is audited several times.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <limits>
#include <sstream>

#include "app/analyze.h"
#include "app/facts_cache.h"
#include "app/facts_cache_format.h"
#include "report/reporter.h"
#include "tests/cli_run.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;

namespace {

/// The whole report as JSON: findings, diagnostics, inventory, deployment context.
std::string audit(const fs::path& project, const fs::path* cache_dir, bool prefilter = true) {
  std::string error;
  auto rules = app::select_rules({"ALL"}, {}, error);
  REQUIRE(rules);
  app::Options options;
  options.paths = {project.string()};
  options.jobs = 2;
  options.prefilter = prefilter;
  options.cache = cache_dir != nullptr;
  if (cache_dir) options.cache_dir = cache_dir->string();
  auto report = app::analyze(options, *rules, error);
  REQUIRE_MESSAGE(report, error);
  std::ostringstream out;
  report::write_json(*report, out);
  return out.str();
}

/// The entry files (not CACHEDIR.TAG, .gitignore), with their bytes.
std::map<std::string, std::string> entries(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name == "CACHEDIR.TAG" || name == ".gitignore") continue;
    out[name] = tests::slurp(e.path());
  }
  return out;
}

fs::path copy_fixture(const tests::TempDir& temp, const std::string& relative) {
  const fs::path to = temp.path() / "project";
  fs::copy(fs::path(POOLAUDIT_SOURCE_DIR) / relative, to, fs::copy_options::recursive);
  return to;
}

void append(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::app) << text;
}

}  // namespace

TEST_CASE("facts cache: findings identical cold, warm, after an edit, a config change, a corrupt entry") {
  // A FastAPI app with Alembic, a Flask app, services with their own dependency files, and a
  // project wrapper of create_engine called from another module (the second pass).
  for (const char* fixture : {"fixtures/projects/fastapi_demo", "fixtures/projects/flask_shop",
                              "fixtures/projects/monorepo_services", "fixtures/PA101/wrapper_other_module"}) {
    CAPTURE(fixture);
    tests::TempDir temp;
    const fs::path project = copy_fixture(temp, fixture);
    const fs::path cache = temp.path() / "cache";
    const std::string expected = audit(project, nullptr);
    CHECK(audit(project, &cache) == expected);  // cold
    const auto cold_entries = entries(cache);
    CHECK(!cold_entries.empty());
    CHECK(audit(project, &cache) == expected);  // warm
    CHECK(audit(project, &cache, false) == audit(project, nullptr, false));  // every file analysed

    // An edit: a new engine in one module (findings change, and the cache follows).
    fs::path edited;
    for (const auto& e : fs::recursive_directory_iterator(project)) {
      if (e.path().extension() == ".py" && (edited.empty() || e.path() < edited)) edited = e.path();
    }
    append(edited, "\nfrom sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
                   "edited_engine = create_engine('postgresql://h/db', poolclass=NullPool, pool_size=5)\n");
    const std::string after_edit = audit(project, nullptr);
    CHECK(after_edit != expected);
    CHECK(audit(project, &cache) == after_edit);

    // A configuration change: file roles (what the facts of a file say) come from the config.
    std::ofstream(project / "poolaudit.toml") << "[roles]\nscript = [\"app/**\", \"*.py\"]\n";
    const std::string after_config = audit(project, nullptr);
    CHECK(audit(project, &cache) == after_config);

    // Corrupt entries: truncated, flipped, foreign (another file's), garbage; each ignored and rewritten.
    auto current = entries(cache);
    REQUIRE(current.size() >= 2);
    auto it = current.begin();
    const std::string foreign = std::next(it)->second;
    int kind = 0;
    for (const auto& [name, bytes] : current) {
      std::string broken;
      switch (kind++ % 4) {
        case 0: broken = bytes.substr(0, bytes.size() / 2); break;
        case 1: broken = bytes; broken[broken.size() - 3] = static_cast<char>(broken[broken.size() - 3] ^ 0x5a); break;
        case 2: broken = foreign == bytes ? std::string("x") : foreign; break;
        default: broken = "not an entry at all"; break;
      }
      std::ofstream(cache / name, std::ios::binary | std::ios::trunc) << broken;
    }
    CHECK(audit(project, &cache) == after_config);
    for (const auto& [name, bytes] : entries(cache)) {
      if (current.count(name)) CHECK_MESSAGE(bytes != "not an entry at all", name);
    }
    CHECK(audit(project, &cache) == after_config);

    // Another audit root: file roles are classified on paths relative to it (the entry key has it).
    if (fs::is_directory(project / "app")) CHECK(audit(project / "app", &cache) == audit(project / "app", nullptr));
  }
}

TEST_CASE("facts cache: an unchanged stamp skips reading; a changed file is read again") {
  tests::TempDir temp;
  const fs::path project = copy_fixture(temp, "fixtures/projects/fastapi_demo");
  const fs::path cache = temp.path() / "cache";
  // Stamps are recorded only for files older than two seconds (racy otherwise): age them.
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& e : fs::recursive_directory_iterator(project)) {
    if (e.is_regular_file()) fs::last_write_time(e.path(), old);
  }
  const std::string expected = audit(project, nullptr);
  CHECK(audit(project, &cache) == expected);
  CHECK(audit(project, &cache) == expected);
  const auto stamped = entries(cache);
  CHECK(audit(project, &cache) == expected);
  CHECK(entries(cache) == stamped);  // a warm run rewrites nothing
  // Same size, same mtime, new content: the ctime (and the stamp) differ, so it is hashed again.
  const fs::path main = project / "app" / "main.py";
  std::string text = tests::slurp(main);
  text.append("\nimport sqlalchemy\nsome_engine = sqlalchemy.create_engine('sqlite://', pool_size=3)\n");
  std::ofstream(main, std::ios::binary | std::ios::trunc) << text;
  fs::last_write_time(main, old);
  CHECK(audit(project, &cache) == audit(project, nullptr));
}

TEST_CASE("facts cache: the directory is marked as a cache; --no-cache writes nothing") {
  tests::TempDir temp;
  const fs::path project = copy_fixture(temp, "fixtures/PA101/wrapper_other_module");
  std::ofstream(project / "pyproject.toml") << "[project]\nname = \"x\"\n";
  // The default place: the project root.
  tests::CliResult r = tests::run_poolaudit("--exit-zero " + tests::shell_quote((project / "app").string()));
  CHECK(r.code == 0);
  const fs::path dir = project / ".poolaudit_cache";
  CHECK(tests::slurp(dir / "CACHEDIR.TAG").rfind("Signature: 8a477f597d28d172789f06886806bc55", 0) == 0);
  CHECK(tests::slurp(dir / ".gitignore").find("\n*\n") != std::string::npos);
  CHECK(!entries(dir).empty());
  // --cache-dir and POOLAUDIT_CACHE_DIR choose another; --no-cache writes nowhere.
  const fs::path chosen = temp.path() / "chosen";
  r = tests::run_poolaudit("--exit-zero --cache-dir " + tests::shell_quote(chosen.string()) + " " +
                           tests::shell_quote(project.string()));
  CHECK(fs::exists(chosen / "CACHEDIR.TAG"));
  const fs::path from_env = temp.path() / "from_env";
  r = tests::run_shell("POOLAUDIT_CACHE_DIR=" + tests::shell_quote(from_env.string()) + " " +
                       tests::shell_quote(POOLAUDIT_BINARY) + " --exit-zero " + tests::shell_quote(project.string()));
  CHECK(fs::exists(from_env / "CACHEDIR.TAG"));
  fs::remove_all(dir);
  const fs::path unused = temp.path() / "unused";
  r = tests::run_poolaudit("--exit-zero --no-cache --cache-dir " + tests::shell_quote(unused.string()) + " " +
                           tests::shell_quote(project.string()));
  CHECK(r.code == 0);
  CHECK(!fs::exists(unused));
  CHECK(!fs::exists(dir));
  // Findings are the same either way.
  const tests::CliResult with = tests::run_poolaudit("--format json --cache-dir " + tests::shell_quote(chosen.string()) +
                                                     " " + tests::shell_quote(project.string()));
  const tests::CliResult without = tests::run_poolaudit("--format json --no-cache " + tests::shell_quote(project.string()));
  CHECK(with.out == without.out);
  CHECK(with.code == without.code);
  // The configuration's `cache-dir` (relative to its file), under the command line's.
  std::ofstream(project / "pyproject.toml") << "[project]\nname = \"x\"\n[tool.poolaudit]\ncache-dir = \"cc\"\n";
  r = tests::run_poolaudit("--exit-zero " + tests::shell_quote(project.string()));
  CHECK(r.code == 0);
  CHECK(fs::exists(project / "cc" / "CACHEDIR.TAG"));
  CHECK(!fs::exists(dir));
  const fs::path over = temp.path() / "over";
  r = tests::run_poolaudit("--exit-zero --cache-dir " + tests::shell_quote(over.string()) + " " +
                           tests::shell_quote(project.string()));
  CHECK(fs::exists(over / "CACHEDIR.TAG"));
}

TEST_CASE("facts cache: concurrent runs do not corrupt it") {
  tests::TempDir temp;
  const fs::path project = copy_fixture(temp, "fixtures/projects/flask_shop");
  const fs::path cache = temp.path() / "cache";
  const std::string run = tests::shell_quote(POOLAUDIT_BINARY) + " --exit-zero -j1 --format json --cache-dir " +
                          tests::shell_quote(cache.string()) + " " + tests::shell_quote(project.string());
  const fs::path outs = temp.path() / "outs";
  fs::create_directories(outs);
  std::string both;
  for (int i = 0; i < 4; ++i) both += run + " > " + tests::shell_quote((outs / std::to_string(i)).string()) + " & ";
  const tests::CliResult r = tests::run_shell(both + "wait");
  CHECK(r.code == 0);
  const std::string expected =
      tests::run_poolaudit("--exit-zero -j1 --format json --no-cache " + tests::shell_quote(project.string())).out;
  for (int i = 0; i < 4; ++i) CHECK(tests::slurp(outs / std::to_string(i)) == expected);
  for (const auto& [name, bytes] : entries(cache)) {
    CHECK_MESSAGE(name.find(".tmp") == std::string::npos, name);  // no temporary file left behind
  }
  CHECK(tests::run_shell(run).out == expected);  // warm, over what the concurrent runs left
}

TEST_CASE("facts cache format: a round trip; anything else is rejected, never trusted") {
  app::CacheEntry entry;
  entry.content_hash = 42;
  entry.role = core::FileRole::kTest;
  app::CachedAnalysis analysis;
  analysis.python.emplace();
  analysis.python->path = "app/db.py";
  sqla::EngineSite site;
  site.callee = "create_engine";
  site.parameter_defaults.push_back(std::make_shared<const py::Value>(py::Value::of_int(5, {})));
  analysis.python->engines.push_back(site);
  analysis.python->exports.names["POOL"].push_back({std::make_shared<const py::Value>(py::Value::of_string("x", {})), {}});
  py::Value timeout = py::Value::of_int(0, {});
  timeout.real = -1.0e300;  // a double travels as its bits: exact, and no float in the payload
  analysis.python->exports.names["TIMEOUT"].push_back({std::make_shared<const py::Value>(timeout), {}});
  entry.plain = analysis;
  const std::string bytes = app::encode_cache_entry(entry, "key");
  const auto span = [](const std::string& s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  std::optional<app::CacheEntry> back = app::decode_cache_entry(span(bytes), "key");
  REQUIRE(back);
  CHECK(app::encode_cache_entry(*back, "key") == bytes);  // the analysis written back undecoded
  REQUIRE(back->plain);
  REQUIRE(back->plain->python);  // decoded on first use
  CHECK(app::encode_cache_entry(*back, "key") == bytes);  // and decoded, the same bytes
  CHECK(back->plain->python->engines.at(0).parameter_defaults.at(0)->integer == 5);
  CHECK(back->plain->python->exports.names.at("TIMEOUT").at(0).value->real == -1.0e300);
  CHECK(back->role == core::FileRole::kTest);
  CHECK(!back->wrapped);
  CHECK(!app::decode_cache_entry(span(bytes), "another key"));
  for (size_t n = 0; n < bytes.size(); n += 7) CHECK(!app::decode_cache_entry(span(bytes.substr(0, n)), "key"));
  std::string flipped = bytes;
  flipped.back() = static_cast<char>(flipped.back() ^ 1);
  CHECK(!app::decode_cache_entry(span(flipped), "key"));  // the checksum
  std::string payload = app::encode_cache_payload(entry);
  CHECK(app::decode_cache_payload(span(payload), true));
  CHECK(!app::decode_cache_payload(span(payload + "x")));  // it must end where the entry does
  // The payload starts with content_hash (42: one byte), the stamp (four zeros), then the role:
  // an enum out of range is refused.
  REQUIRE(payload.size() > 6);
  CHECK(payload[5] == static_cast<char>(core::FileRole::kTest));
  payload[5] = 99;
  CHECK(!app::decode_cache_payload(span(payload)));
  // A count larger than the bytes left is refused before anything is allocated.
  app::CacheEntry with_scan;
  with_scan.scan.emplace();
  with_scan.scan->reach_names = {"a"};
  std::string scan_payload = app::encode_cache_payload(with_scan);
  const size_t names = scan_payload.find('\1', 7);  // reach_names' count, after the four flags
  REQUIRE(names != std::string::npos);
  scan_payload[names] = '\x7f';
  CHECK(!app::decode_cache_payload(span(scan_payload)));
  // A value out of its field's range: object_id is an int. INT_MAX zigzagged is the varint
  // fe ff ff ff 0f; 80 80 80 80 40 (2^33 zigzagged), as long, does not fit.
  app::CacheEntry wide = entry;
  py::Value big = py::Value::of_int(7, {});
  big.object_id = std::numeric_limits<int>::max();
  app::CachedAnalysis wide_analysis = analysis;
  wide_analysis.python->flask_config_objects = {std::make_shared<const py::Value>(big)};
  wide.plain = wide_analysis;
  std::string wide_payload = app::encode_cache_payload(wide);
  CHECK(app::decode_cache_payload(span(wide_payload), true));
  const std::string int_max("\xfe\xff\xff\xff\x0f", 5);
  const size_t at = wide_payload.find(int_max);
  REQUIRE(at != std::string::npos);
  wide_payload.replace(at, int_max.size(), std::string("\x80\x80\x80\x80\x40", 5));
  CHECK(!app::decode_cache_payload(span(wide_payload), true));  // eager: the analysis is checked now
  std::optional<app::CacheEntry> lazy = app::decode_cache_payload(span(wide_payload));
  REQUIRE(lazy);  // lazily, the piece is refused when used, and dropped
  CHECK(!lazy->plain.get());
  CHECK(!lazy->plain);
  // Deep nesting is refused before it can exhaust the stack.
  auto nested = [](int depth) {
    py::ValuePtr value = std::make_shared<const py::Value>(py::Value::of_int(1, {}));
    for (int i = 0; i < depth; ++i) {
      py::Value list = py::Value::of_int(0, {});
      list.kind = py::ValueKind::kList;
      list.items.push_back(value);
      value = std::make_shared<const py::Value>(std::move(list));
    }
    app::CacheEntry deep;
    app::CachedAnalysis a;
    a.python.emplace();
    a.python->flask_config_objects.push_back(value);
    deep.plain = a;
    return app::encode_cache_payload(deep);
  };
  CHECK(app::decode_cache_payload(span(nested(100)), true));
  CHECK(!app::decode_cache_payload(span(nested(1000)), true));
}

TEST_CASE("facts cache: every fixture at once reads back what it wrote (no fact field left out)") {
  // The serializer lists each struct's fields by hand (facts_cache_format.cpp): a field it misses
  // compiles and is silently not cached. Every fixture, audited as one tree with every file
  // analysed, exercises every fact some rule reads: a dropped field changes the warm report.
  tests::TempDir temp;
  const fs::path cache = temp.path() / "cache";
  const fs::path fixtures = fs::path(POOLAUDIT_SOURCE_DIR) / "fixtures";
  const std::string expected = audit(fixtures, nullptr, false);
  CHECK(expected.find("\"rule\": \"PA101\"") != std::string::npos);  // the tree was audited, not skipped
  CHECK(audit(fixtures, &cache, false) == expected);  // cold
  CHECK(audit(fixtures, &cache, false) == expected);  // warm: every file's facts read back
  CHECK(audit(fixtures, &cache) == audit(fixtures, nullptr));  // warm, with the pre-filter's scans
}
