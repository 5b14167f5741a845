#include "app/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/analyze.h"
#include "app/walk.h"

namespace app {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kKeys[] = {"select",
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
                                      "rule-docs-url"};

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
      if (!read_key(k, key.source(), node)) return false;
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
      for (const std::string& g : *globs) out_.options.exclude.push_back(anchor_glob(g, dir_));
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

bool read_config(const fs::path& file, Settings& settings, std::string& error) {
  settings.file = display_path(file.string());
  const std::optional<toml::table> doc = parse(file, settings.file, error);
  if (!doc) return false;
  const toml::table* table = &*doc;
  if (file.filename() == "pyproject.toml") {
    settings.table = "[tool.poolaudit]";
    const toml::node_view<const toml::node> tool = (*doc)["tool"]["poolaudit"];
    if (!tool) return true;  // --config pyproject.toml without the table: nothing configured
    table = tool.as_table();
    if (!table) {
      error = settings.file + ":" + std::to_string(tool.node()->source().begin.line) + ": tool.poolaudit: expected a table";
      return false;
    }
  }
  Reader reader(settings.file, settings.table, fs::absolute(file).parent_path(), settings);
  if (!reader.read(*table)) {
    error = reader.error();
    return false;
  }
  return true;
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

std::string find_config_file(const std::string& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (int depth = 0; depth < 256 && !dir.empty(); ++depth) {
    for (const char* name : {".poolaudit.toml", "poolaudit.toml"}) {
      if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
    }
    if (fs::is_regular_file(dir / "pyproject.toml", ec) && has_poolaudit_table(dir / "pyproject.toml")) {
      return (dir / "pyproject.toml").string();
    }
    const fs::path parent = dir.parent_path();
    if (parent == dir) break;
    dir = parent;
  }
  return {};
}

std::optional<Settings> resolve_settings(const Options& options, std::string& error) {
  if (options.isolated && !options.config.empty()) {
    error = "--config and --isolated exclude each other";
    return std::nullopt;
  }
  Settings settings;
  settings.options.fail_on.clear();  // "": the file does not set it
  std::string file = options.config;
  if (!file.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      error = "configuration file not found: " + file;
      return std::nullopt;
    }
  } else if (!options.isolated) {
    file = find_config_file(options.paths.empty() ? "." : options.paths.front());
  }
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
  merged.exclude = settings.options.exclude;
  merged.exclude.insert(merged.exclude.end(), options.exclude.begin(), options.exclude.end());
  if (!given(options, "fail-on") && !settings.file.empty() && !settings.options.fail_on.empty()) {
    merged.fail_on = settings.options.fail_on;
  }
  if (!given(options, "rule-docs-url") && !settings.options.rule_docs_url.empty()) {
    merged.rule_docs_url = settings.options.rule_docs_url;
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
  if (!options.baseline.empty()) {
    settings.baseline = load_baseline(options.baseline, error);
    if (!settings.baseline) return std::nullopt;
  }
  settings.options = std::move(merged);
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

void apply_policy(const Settings& settings, const sqla::ProjectFacts& facts, DirectiveMap& directives,
                  const std::vector<const rules::Rule*>& selected, core::Report& report) {
  std::vector<core::Finding>& findings = report.findings;
  // per-file-ignores means the rule does not run there (ruff): dropped, not counted as suppressed.
  std::erase_if(findings, [&](const core::Finding& f) { return per_file_ignored(settings, f); });
  for (core::Finding& f : findings) {
    if (auto it = settings.severity.find(f.code); it != settings.severity.end()) f.severity = it->second;
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
      << (settings.file.empty() ? std::string(o.isolated ? "none (--isolated)" : "none found")
                                : settings.file + (settings.table.empty() ? "" : " " + settings.table))
      << "\n";
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
