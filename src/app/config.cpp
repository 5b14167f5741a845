#include "app/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/analyze.h"
#include "app/inputs.h"
#include "app/walk.h"

namespace app {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kKeys[] = {"extend",
                                      "select",
                                      "ignore",
                                      "extend-select",
                                      "per-file-ignores",
                                      "exclude",
                                      "extend-exclude",
                                      "fail-on",
                                      "severity",
                                      "max-connections",
                                      "workers",
                                      "serverless",
                                      "sqlalchemy-version",
                                      "roles",
                                      "rule-docs-url",
                                      "cache-dir"};

/// A glob relative to `base` (a directory): anchored at it when it names a path ("tests/*.py"),
/// left as a file-name pattern otherwise ("conftest.py"), as ruff does.
std::string anchor_glob(const std::string& glob, const fs::path& base) {
  if (glob.find('/') == std::string::npos) return glob;
  std::string rel = glob;
  while (rel.rfind("./", 0) == 0) rel.erase(0, 2);
  if (!rel.empty() && rel[0] == '/') return rel;  // already absolute
  std::string dir = fs::absolute(base).lexically_normal().generic_string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return (dir == "/" ? "" : dir) + "/" + rel;
}

/// Reads one configuration table, naming file:line:column and the key in every error.
class Reader {
 public:
  Reader(std::string display, std::string table, fs::path dir, Settings& out)
      : display_(std::move(display)), table_(std::move(table)), dir_(std::move(dir)), out_(out) {}

  bool read(const toml::table& t) {
    for (auto&& [key, node] : t) {
      const std::string k(key.str());
      if (k == "extend") continue;  // read_chain() follows it
      if (!read_key(k, key.source(), node)) return false;
      out_.keys.insert(k);
    }
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  bool fail(const toml::source_region& where, const std::string& key, const std::string& message) {
    error_ = display_ + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column) + ": " +
             (table_.empty() ? "" : table_ + " ") + key + ": " + message;
    return false;
  }

  std::optional<std::vector<std::string>> strings(const std::string& key, const toml::node& node) {
    const toml::array* array = node.as_array();
    if (!array) {
      fail(node.source(), key, "expected an array of strings");
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const toml::node& e : *array) {
      const auto s = e.value_exact<std::string>();
      if (!s) {
        fail(e.source(), key, "expected an array of strings");
        return std::nullopt;
      }
      out.push_back(*s);
    }
    return out;
  }

  /// Rule ids, prefixes, names or ALL; an unknown one is an error.
  std::optional<std::vector<std::string>> rule_ids(const std::string& key, const toml::node& node) {
    auto ids = strings(key, node);
    if (!ids) return std::nullopt;
    const toml::array& array = *node.as_array();
    for (size_t i = 0; i < ids->size(); ++i) {
      std::string error;
      if (!select_rules({(*ids)[i]}, {}, error)) {
        fail(array[i].source(), key, error);
        return std::nullopt;
      }
    }
    return ids;
  }

  std::optional<int> positive(const std::string& key, const toml::node& node) {
    const auto v = node.value_exact<int64_t>();
    if (!v || *v < 1 || *v > 1000000) {
      fail(node.source(), key, "expected a positive integer");
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }

  bool read_key(const std::string& key, const toml::source_region& key_where, const toml::node& node) {
    if (key == "select" || key == "ignore" || key == "extend-select") {
      auto ids = rule_ids(key, node);
      if (!ids) return false;
      if (key == "select") out_.options.select = *ids;
      else if (key == "ignore") out_.options.ignore = *ids;
      else out_.extend_select = *ids;
      return true;
    }
    if (key == "exclude" || key == "extend-exclude") {
      auto globs = strings(key, node);
      if (!globs) return false;
      for (const std::string& g : *globs) {
        (key == "exclude" ? out_.exclude : out_.extend_exclude).push_back(anchor_glob(g, dir_));
      }
      return true;
    }
    if (key == "fail-on") {
      const auto v = node.value_exact<std::string>();
      if (!v || (*v != "never" && !core::parse_severity(*v))) {
        return fail(node.source(), key, "expected \"error\", \"warning\", \"info\" or \"never\"");
      }
      out_.options.fail_on = *v;
      return true;
    }
    if (key == "rule-docs-url") {
      const auto v = node.value_exact<std::string>();
      if (!v || v->empty()) return fail(node.source(), key, "expected a URL (\"{code}\" stands for the rule id)");
      out_.options.rule_docs_url = *v;
      return true;
    }
    if (key == "cache-dir") {  // ruff's `cache-dir`: relative to the configuration file's directory
      const auto v = node.value_exact<std::string>();
      if (!v || v->empty()) return fail(node.source(), key, "expected a directory");
      out_.options.cache_dir = (dir_ / *v).lexically_normal().string();
      return true;
    }
    if (key == "per-file-ignores") {
      const toml::table* t = node.as_table();
      if (!t) return fail(node.source(), key, "expected a table of glob = [rule ids]");
      for (auto&& [glob, ids_node] : *t) {
        auto ids = rule_ids(key + "." + std::string(glob.str()), ids_node);
        if (!ids) return false;
        out_.per_file_ignores.push_back({std::string(glob.str()), anchor_glob(std::string(glob.str()), dir_), *ids});
      }
      return true;
    }
    if (key == "roles") {
      const toml::table *t = node.as_table();
      if (!t)
        return fail(node.source(), key, "expected a table of role = [globs]");
      for (auto &&[name, globs_node] : *t) {
        const std::string entry = key + "." + std::string(name.str());
        const std::optional<core::FileRole> role = core::parse_role(name.str());
        if (!role) {
          return fail(name.source(), entry,
                      "unknown role (expected production, test, example, "
                      "migration or script)");
        }
        auto globs = strings(entry, globs_node);
        if (!globs)
          return false;
        for (const std::string &g : *globs)
          out_.roles.push_back({*role, g, anchor_glob(g, dir_)});
      }
      return true;
    }
    if (key == "severity") {
      const toml::table* t = node.as_table();
      if (!t) return fail(node.source(), key, "expected a table of rule id = \"error\" | \"warning\" | \"info\"");
      for (auto&& [id, value] : *t) {
        const std::string name = key + "." + std::string(id.str());
        const std::string_view wanted = id.str();  // a lambda may not capture a structured binding (clang 14)
        const rules::Rule* rule = rules::find_rule(wanted);
        if (!rule) return fail(id.source(), name, "unknown rule id: " + std::string(id.str()) + " (see --list-rules)");
        const auto v = value.value_exact<std::string>();
        const auto severity = v ? core::parse_severity(*v) : std::nullopt;
        if (!severity) return fail(value.source(), name, "expected \"error\", \"warning\" or \"info\"");
        out_.severity[std::string(rule->info.code)] = *severity;
      }
      return true;
    }
    if (key == "max-connections" || key == "workers") {
      auto v = positive(key, node);
      if (!v) return false;
      (key == "workers" ? out_.workers : out_.max_connections) = v;
      return true;
    }
    if (key == "serverless") {
      if (const auto b = node.value_exact<bool>()) {
        out_.serverless = *b;
        return true;
      }
      if (node.value_exact<std::string>() == std::optional<std::string>("auto")) return true;
      return fail(node.source(), key, "expected true, false or \"auto\"");
    }
    if (key == "sqlalchemy-version") {
      const auto v = node.value_exact<std::string>();
      const auto version = v ? sqla::Version::parse(*v) : std::nullopt;
      if (!version) return fail(node.source(), key, "expected a version string such as \"1.4\" or \"2.0.25\"");
      out_.sqlalchemy = version;
      return true;
    }
    std::string hint;
    std::string kebab = key;
    std::replace(kebab.begin(), kebab.end(), '_', '-');
    if (kebab != key && std::find(std::begin(kKeys), std::end(kKeys), kebab) != std::end(kKeys)) {
      hint = " (did you mean \"" + kebab + "\"?)";
    }
    return fail(key_where, key, "unknown key" + hint);
  }

  std::string display_;
  std::string table_;
  fs::path dir_;
  Settings& out_;
  std::string error_;
};

std::optional<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Parses a TOML file; on a syntax error returns nullopt with "file:line:col: message".
std::optional<toml::table> parse(const fs::path& file, const std::string& display, std::string& error) {
  const std::optional<std::string> text = read_text(file);
  if (!text) {
    error = "cannot read configuration file " + display;
    return std::nullopt;
  }
  try {
    return toml::parse(*text, file.string());
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    error = display + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": invalid TOML: " +
            std::string(e.description());
    return std::nullopt;
  }
}

/// A pyproject.toml counts only with a [tool.poolaudit] table (a cheap text check first: most have none).
bool has_poolaudit_table(const fs::path& pyproject) {
  const std::optional<std::string> text = read_text(pyproject);
  if (!text || text->find("poolaudit") == std::string::npos) return false;
  try {
    const toml::table doc = toml::parse(*text, pyproject.string());
    return doc["tool"]["poolaudit"].as_table() != nullptr;
  } catch (const toml::parse_error&) {
    return true;  // unparseable but mentions poolaudit: reading it reports where
  }
}

/// An extending file's keys over its base's (ruff's `extend`): a key set here replaces the base's
/// value, except the lists that add up as on the command line: without `select` here, `ignore`
/// and `extend-select` add to the base's; `extend-exclude` always adds.
void overlay(Settings& base, Settings own) {
  const auto has = [&own](const char* key) { return own.keys.count(key) != 0; };
  if (has("select")) {
    base.options.select = own.options.select;
    base.options.ignore = own.options.ignore;
    base.extend_select = own.extend_select;
  } else {
    base.options.ignore.insert(base.options.ignore.end(), own.options.ignore.begin(), own.options.ignore.end());
    base.extend_select.insert(base.extend_select.end(), own.extend_select.begin(), own.extend_select.end());
  }
  if (has("exclude")) base.exclude = own.exclude;
  base.extend_exclude.insert(base.extend_exclude.end(), own.extend_exclude.begin(), own.extend_exclude.end());
  if (has("per-file-ignores")) base.per_file_ignores = own.per_file_ignores;
  if (has("roles")) base.roles = own.roles;
  if (has("severity")) base.severity = own.severity;
  if (has("fail-on")) base.options.fail_on = own.options.fail_on;
  if (has("rule-docs-url")) base.options.rule_docs_url = own.options.rule_docs_url;
  if (has("cache-dir")) base.options.cache_dir = own.options.cache_dir;
  if (has("workers")) base.workers = own.workers;
  if (has("max-connections")) base.max_connections = own.max_connections;
  if (has("serverless")) base.serverless = own.serverless;
  if (has("sqlalchemy-version")) base.sqlalchemy = own.sqlalchemy;
  base.keys.insert(own.keys.begin(), own.keys.end());
  base.file = own.file;
  base.table = own.table;
  own.chain.insert(own.chain.end(), base.chain.begin(), base.chain.end());
  base.chain = std::move(own.chain);
}

constexpr size_t kMaxExtendDepth = 32;

/// Reads `file` and, first, the file its `extend` names (relative to `file`'s directory), so that
/// `file`'s keys win. `stack` holds the files being read: meeting one again is a cycle.
bool read_chain(const fs::path& file, Settings& out, std::vector<fs::path>& stack, std::string& error) {
  Settings own;
  own.options.fail_on.clear();  // "": the file does not set it
  own.file = display_path(file.string());
  const std::optional<toml::table> doc = parse(file, own.file, error);
  if (!doc) return false;
  const toml::table* table = &*doc;
  if (file.filename() == "pyproject.toml") {
    own.table = "[tool.poolaudit]";
    const toml::node_view<const toml::node> tool = (*doc)["tool"]["poolaudit"];
    table = tool ? tool.as_table() : nullptr;
    if (tool && !table) {
      error = own.file + ":" + std::to_string(tool.node()->source().begin.line) + ": tool.poolaudit: expected a table";
      return false;
    }
  }
  own.chain.push_back(own.file + (own.table.empty() ? "" : " " + own.table));
  if (!table) {  // --config or extend naming a pyproject.toml without the table: nothing configured
    overlay(out, std::move(own));
    return true;
  }
  if (const toml::node* extend = table->get("extend")) {
    const toml::source_region& where = extend->source();
    const std::string at = own.file + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column) +
                           ": " + (own.table.empty() ? "" : own.table + " ") + "extend: ";
    const std::optional<std::string> target = extend->value_exact<std::string>();
    if (!target || target->empty()) {
      error = at + "expected the path of a configuration file";
      return false;
    }
    // Relative to the extending file, as ruff resolves it; "~" is the user's home.
    fs::path base_file(*target);
    if (target->rfind("~/", 0) == 0 && std::getenv("HOME")) base_file = fs::path(std::getenv("HOME")) / target->substr(2);
    if (base_file.is_relative()) base_file = file.parent_path() / base_file;
    std::error_code ec;
    if (!fs::is_regular_file(base_file, ec)) {
      error = at + "configuration file not found: " + display_path(base_file.string());
      return false;
    }
    const fs::path canonical = fs::weakly_canonical(base_file, ec);
    if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
      std::string cycle;
      for (auto it = std::find(stack.begin(), stack.end(), canonical); it != stack.end(); ++it) {
        cycle += display_path(it->string()) + " -> ";
      }
      error = at + "cycle: " + cycle + display_path(canonical.string());
      return false;
    }
    if (stack.size() >= kMaxExtendDepth) {
      error = at + "more than " + std::to_string(kMaxExtendDepth) + " files extend each other";
      return false;
    }
    stack.push_back(canonical);
    const bool read = read_chain(base_file, out, stack, error);
    stack.pop_back();
    if (!read) return false;
  }
  Reader reader(own.file, own.table, fs::absolute(file).parent_path(), own);
  if (!reader.read(*table)) {
    error = reader.error();
    return false;
  }
  overlay(out, std::move(own));
  return true;
}

bool read_config(const fs::path& file, Settings& settings, std::string& error) {
  std::error_code ec;
  std::vector<fs::path> stack{fs::weakly_canonical(file, ec)};
  return read_chain(file, settings, stack, error);
}

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : std::string(separator)) + s;
  return out;
}

bool given(const Options& options, std::string_view flag) {
  return std::find(options.given.begin(), options.given.end(), flag) != options.given.end();
}

}  // namespace

std::string config_file_in(const std::string& directory) {
  std::error_code ec;
  const fs::path dir(directory);
  for (const char* name : {".poolaudit.toml", "poolaudit.toml"}) {
    if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
  }
  if (fs::is_regular_file(dir / "pyproject.toml", ec) && has_poolaudit_table(dir / "pyproject.toml")) {
    return (dir / "pyproject.toml").string();
  }
  return {};
}

std::string find_config_file(const std::string& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (int depth = 0; depth < 256 && !dir.empty(); ++depth) {
    if (std::string file = config_file_in(dir.string()); !file.empty()) return file;
    const fs::path parent = dir.parent_path();
    if (parent == dir) break;
    dir = parent;
  }
  return {};
}

std::optional<Settings> settings_from_file(const Options& options, const std::string& file, std::string& error) {
  Settings settings;
  settings.options.fail_on.clear();  // "": the file does not set it
  if (!file.empty() && !read_config(file, settings, error)) return std::nullopt;

  // The command line over the file, as ruff layers them (ruff 0.0.238): the highest-priority
  // `select` is the basis and the adjustments of that layer and above apply, so --select resets
  // the file's select, ignore and extend-select; without it the lists accumulate.
  Options merged = options;
  if (!options.select.empty()) {
    settings.options.ignore.clear();
    settings.extend_select.clear();
  }
  merged.select = options.select.empty() ? settings.options.select : options.select;
  merged.ignore = settings.options.ignore;
  merged.ignore.insert(merged.ignore.end(), options.ignore.begin(), options.ignore.end());
  merged.exclude = settings.exclude;
  merged.exclude.insert(merged.exclude.end(), settings.extend_exclude.begin(), settings.extend_exclude.end());
  merged.exclude.insert(merged.exclude.end(), options.exclude.begin(), options.exclude.end());
  if (!given(options, "fail-on") && !settings.file.empty() && !settings.options.fail_on.empty()) {
    merged.fail_on = settings.options.fail_on;
  }
  if (!given(options, "rule-docs-url") && !settings.options.rule_docs_url.empty()) {
    merged.rule_docs_url = settings.options.rule_docs_url;
  }
  // --cache-dir and POOLAUDIT_CACHE_DIR (given, for CLI11) win over the configuration.
  if (!given(options, "cache-dir") && !settings.options.cache_dir.empty()) {
    merged.cache_dir = settings.options.cache_dir;
  }
  settings.extend_select.insert(settings.extend_select.end(), options.extend_select.begin(), options.extend_select.end());
  if (!options.per_file_ignores.empty()) {
    settings.per_file_ignores.clear();  // --per-file-ignores replaces the file's table
    for (const std::string& spec : options.per_file_ignores) {
      const size_t colon = spec.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size()) {
        error = "--per-file-ignores takes GLOB:IDS (tests/*:PA201,PA203), not " + spec;
        return std::nullopt;
      }
      PerFileIgnore p{spec.substr(0, colon), anchor_glob(spec.substr(0, colon), fs::current_path()), {}};
      std::stringstream ids(spec.substr(colon + 1));
      for (std::string id; std::getline(ids, id, ',');) {
        if (!id.empty()) p.ids.push_back(id);
      }
      settings.per_file_ignores.push_back(std::move(p));
    }
  }
  for (const PerFileIgnore& p : settings.per_file_ignores) {
    if (!select_rules(p.ids, {}, error)) return std::nullopt;
  }
  settings.options = std::move(merged);
  auto chosen = settings_rules(settings, error);
  if (!chosen) return std::nullopt;
  settings.rules = std::move(*chosen);
  return settings;
}

std::string project_config_file(const Options& options) {
  if (!options.config.empty()) return options.config;
  if (options.isolated) return {};
  return find_config_file(common_directory(project_paths(options)));
}

std::optional<Settings> resolve_settings(const Options& options, std::string& error) {
  if (options.isolated && !options.config.empty()) {
    error = "--config and --isolated exclude each other";
    return std::nullopt;
  }
  if (!options.config.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(options.config, ec)) {
      error = "configuration file not found: " + options.config;
      return std::nullopt;
    }
  }
  std::optional<Settings> settings = settings_from_file(options, project_config_file(options), error);
  if (!settings) return std::nullopt;
  if (!options.baseline.empty()) {
    settings->baseline = load_baseline(options.baseline, error);
    if (!settings->baseline) return std::nullopt;
  }
  return settings;
}

std::optional<std::vector<const rules::Rule*>> settings_rules(const Settings& settings, std::string& error) {
  auto chosen = select_rules(settings.options.select, settings.options.ignore, error);
  if (!chosen || settings.extend_select.empty()) return chosen;
  auto extra = select_rules(settings.extend_select, settings.options.ignore, error);
  if (!extra) return std::nullopt;
  std::vector<const rules::Rule*> out;
  for (const rules::Rule* r : rules::all_rules()) {
    if (std::find(chosen->begin(), chosen->end(), r) != chosen->end() ||
        std::find(extra->begin(), extra->end(), r) != extra->end()) {
      out.push_back(r);
    }
  }
  return out;
}

void apply_settings(const Settings& settings, sqla::ProjectContext& context) {
  if (settings.sqlalchemy) {
    context.sqlalchemy = settings.sqlalchemy;
    context.sqlalchemy_origin = settings.origin();
  }
  if (settings.workers) context.config_workers = settings.workers;
  if (settings.max_connections) context.config_max_connections = settings.max_connections;
  if (settings.serverless) context.config_serverless = settings.serverless;
  context.config_origin = settings.file;
}

void apply_service_settings(const Settings& project, const Settings& own, sqla::Service& service) {
  service.own_configuration = own.file != project.file;
  if (!service.own_configuration) return;  // the project's context applies as it is
  service.configured = sqla::ConfiguredContext{own.workers, own.max_connections, own.serverless, own.file};
  service.config_sqlalchemy = own.sqlalchemy;
  service.config_sqlalchemy_origin = own.sqlalchemy ? own.origin() : std::string();
}

std::optional<core::FileRole> configured_role(const Settings &settings,
                                              const std::string &path) {
  for (const RoleGlob &r : settings.roles) {
    if (path_matches(path, {r.pattern}))
      return r.role;
  }
  return std::nullopt;
}

bool per_file_ignored(const Settings& settings, const core::Finding& finding) {
  for (const PerFileIgnore& p : settings.per_file_ignores) {
    if (!path_matches(finding.where.path, {p.pattern})) continue;
    for (const std::string& id : p.ids) {
      if (core::selector_matches(id, finding.code, finding.name)) return true;
    }
  }
  return false;
}

bool rule_selected(const Settings& settings, const core::Finding& finding) {
  return std::any_of(settings.rules.begin(), settings.rules.end(),
                     [&](const rules::Rule* r) { return r->info.code == finding.code; });
}

void apply_policy(const Settings& project, const SettingsFor& settings_for, const sqla::ProjectFacts& facts,
                  DirectiveMap& directives, const std::vector<const rules::Rule*>& selected, core::Report& report) {
  const Settings& settings = project;
  std::vector<core::Finding>& findings = report.findings;
  // A rule its file's configuration does not select did not run there; per-file-ignores means the
  // same (ruff): dropped, not counted as suppressed.
  std::erase_if(findings, [&](const core::Finding& f) {
    const Settings& own = settings_for(f.where.path);
    return !rule_selected(own, f) || per_file_ignored(own, f);
  });
  for (core::Finding& f : findings) {
    const Settings& own = settings_for(f.where.path);
    if (auto it = own.severity.find(f.code); it != own.severity.end()) f.severity = it->second;
  }
  assign_identity(findings, facts);
  const size_t diagnostics = report.diagnostics.size();
  apply_suppressions(findings, directives, selected, settings.options.report_unused_suppressions, report.diagnostics);
  if (report.diagnostics.size() != diagnostics) {
    std::sort(report.diagnostics.begin(), report.diagnostics.end(), core::finding_less);
  }
  if (settings.baseline) apply_baseline(*settings.baseline, findings);
  report.summary.baselined = static_cast<size_t>(
      std::count_if(findings.begin(), findings.end(), [](const core::Finding& f) { return f.suppression == "baseline"; }));
}

void show_settings(const Settings& settings, const std::vector<const rules::Rule*>& selected, std::ostream& out) {
  const Options& o = settings.options;
  out << "configuration: "
      << (settings.file.empty() ? std::string(o.isolated ? "none (--isolated): defaults" : "none found: defaults")
                                : settings.file + (settings.table.empty() ? "" : " " + settings.table))
      << "\n";
  for (size_t i = 1; i < settings.chain.size(); ++i) out << "  extends: " << settings.chain[i] << "\n";
  std::vector<std::string> codes;
  for (const rules::Rule* r : selected) codes.emplace_back(r->info.code);
  out << "rules: " << join(codes) << "\n";
  out << "select: " << (o.select.empty() ? "(default set)" : join(o.select)) << "\n";
  out << "extend-select: " << join(settings.extend_select) << "\n";
  out << "ignore: " << join(o.ignore) << "\n";
  out << "exclude: " << join(o.exclude) << "\n";
  out << "per-file-ignores:\n";
  for (const PerFileIgnore& p : settings.per_file_ignores) out << "  " << p.pattern << " = " << join(p.ids) << "\n";
  out << "roles:\n";
  for (const RoleGlob &r : settings.roles)
    out << "  " << r.pattern << " = " << core::role_name(r.role) << "\n";
  out << "severity:";
  for (const auto& [code, severity] : settings.severity) out << " " << code << "=" << core::severity_name(severity);
  out << "\n";
  out << "fail-on: " << o.fail_on << "\n";
  out << "rule-docs-url: " << o.rule_docs_url << "\n";
  auto number = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("not set"); };
  out << "max-connections: " << number(settings.max_connections) << "\n";
  out << "workers: " << number(settings.workers) << "\n";
  out << "serverless: " << (settings.serverless ? (*settings.serverless ? "true" : "false") : "auto") << "\n";
  out << "sqlalchemy-version: " << (settings.sqlalchemy ? settings.sqlalchemy->str() : "from the project's files") << "\n";
}

}  // namespace app
