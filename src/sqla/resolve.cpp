// The project phase: names that point into other modules of the project are resolved here, then
// every engine call's argument sets become EngineConfigs (URL, pool class, completeness).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/facts.h"
#include "sqla/module_table.h"
#include "sqla/pool_assumption.h"

namespace sqla {
namespace {

using py::ValueKind;

constexpr int kMaxDepth = 12;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    out.emplace_back(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (out.empty() ? "" : ".") + parts[i];
  return out;
}

bool ends_with_call(std::string_view token) { return token.size() > 2 && token.substr(token.size() - 2) == "()"; }

/// Looks names up in the modules of the project.
class Resolver {
 public:
  explicit Resolver(const ProjectFacts& facts) : modules_(facts) {}

  /// A value with project names replaced by what they hold. Several possible values (branches in
  /// another module) or an unresolvable project name give Unknown: the rule of silence.
  py::ValuePtr resolve(const py::ValuePtr& value, int depth = 0) const {
    if (!value || depth > kMaxDepth) return value;
    if (value->kind == ValueKind::kSymbol) {
      if (value->text.rfind("@param.", 0) == 0) return unknown(*value, "parameter " + value->text.substr(7));
      if (auto alts = lookup(value->text, value->origin.path, depth)) {
        if (alts->size() != 1) return unknown(*value, "one of several values of " + value->text);
        py::ValuePtr found = resolve((*alts)[0].value, depth + 1);
        if (value->as_string && found->kind != ValueKind::kString) {
          return unknown(*value, "str(" + value->text + ")");
        }
        return found;
      }
      const std::string head = value->text.substr(0, value->text.find('.'));
      if (value->text.find("()") != std::string::npos || modules_.is_project_head(head)) {
        return unknown(*value, value->text);
      }
      return value;  // a library name: sqlalchemy.pool.NullPool
    }
    if (value->kind == ValueKind::kDict && value->dict && needs_work(*value->dict)) {
      auto dict = std::make_shared<py::DictValue>();
      dict->complete = value->dict->complete;
      for (const py::ValuePtr& p : value->dict->pending) {
        py::ValuePtr source = resolve(p, depth + 1);
        if (source->kind == ValueKind::kDict && source->dict) {
          for (const py::DictEntry& e : source->dict->entries) dict->entries.push_back(e);
          if (!source->dict->complete) dict->complete = false;
        } else {
          dict->complete = false;
        }
      }
      for (const py::DictEntry& e : value->dict->entries) {
        std::erase_if(dict->entries, [&](const py::DictEntry& d) { return d.key == e.key; });
        dict->entries.push_back(py::DictEntry{e.key, resolve(e.value, depth + 1), e.where, e.removal});
      }
      py::Value copy = *value;
      copy.dict = std::move(dict);
      return std::make_shared<const py::Value>(std::move(copy));
    }
    return value;
  }

 private:
  static py::ValuePtr unknown(const py::Value& from, std::string what) {
    return std::make_shared<const py::Value>(py::Value::unknown(from.origin, std::move(what)));
  }

  static bool needs_work(const py::DictValue& d) {
    if (!d.pending.empty()) return true;
    return std::any_of(d.entries.begin(), d.entries.end(), [](const py::DictEntry& e) {
      return e.value->kind == ValueKind::kSymbol || e.value->kind == ValueKind::kDict;
    });
  }

  /// The values `path` names, seen from the file at `importer` (nearest of same-named modules).
  std::optional<py::Alts> lookup(const std::string& path, std::string_view importer, int depth) const {
    if (depth > kMaxDepth) return std::nullopt;
    const std::vector<std::string> tokens = split_path(path);
    for (size_t k = tokens.size() - 1; k >= 1; --k) {
      if (ends_with_call(tokens[k - 1])) continue;
      if (const FileFacts* m = modules_.find(join(tokens, 0, k), importer)) {
        if (auto alts = lookup_in(*m, tokens, k, depth)) return alts;
      }
    }
    return std::nullopt;
  }

  std::optional<py::Alts> lookup_in(const FileFacts& file, const std::vector<std::string>& tokens, size_t at,
                                    int depth) const {
    const ModuleExports& m = file.exports;
    const std::string& first = tokens[at];
    const py::Alts* alts = nullptr;
    size_t next = at + 1;
    auto find = [&](const std::string& name) {
      auto it = m.names.find(name);
      return it == m.names.end() ? nullptr : &it->second;
    };
    alts = find(first);
    const std::string class_name = ends_with_call(first) ? first.substr(0, first.size() - 2) : first;
    if (!alts && m.classes.count(class_name) && at + 1 < tokens.size()) {
      // Settings().X or Settings.X: a class attribute (field default).
      alts = find(class_name + "." + tokens[at + 1]);
      next = at + 2;
    }
    if (!alts) return std::nullopt;
    if (next == tokens.size()) return *alts;
    if (alts->size() != 1) return std::nullopt;
    const py::Value& v = *(*alts)[0].value;
    if (v.kind != ValueKind::kSymbol) return std::nullopt;
    return lookup(v.text + "." + join(tokens, next, tokens.size()), file.path, depth + 1);
  }

  ModuleTable modules_;
};

PoolChoice choose_pool(const EngineConfig& config, const ProjectContext& context, const py::Argument* url_arg);

bool same_config(const EngineConfig& a, const EngineConfig& b) {
  if (a.complete != b.complete || a.call_complete != b.call_complete || a.keywords.size() != b.keywords.size()) {
    return false;
  }
  for (size_t i = 0; i < a.keywords.size(); ++i) {
    if (a.keywords[i].name != b.keywords[i].name) return false;
    if (!(a.keywords[i].where == b.keywords[i].where)) return false;
    if (!a.keywords[i].value->same_as(*b.keywords[i].value) &&
        !(a.keywords[i].value->is_unknown() && b.keywords[i].value->is_unknown())) {
      return false;
    }
  }
  const bool ua = a.url.has_value();
  const bool ub = b.url.has_value();
  return ua == ub && (!ua || a.url->text == b.url->text);
}

/// engine_from_config coerces a few keys from strings; others keep the string (PA116).
py::ValuePtr coerce(const std::string& key, const py::ValuePtr& value) {
  if (value->kind != ValueKind::kString || value->partial || !is_coerced_config_key(key)) return value;
  const std::string& s = value->text;
  if (key == "echo" || key == "echo_pool" || key == "future") {
    const std::string lower = core::lower(s);
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") {
      return std::make_shared<const py::Value>(py::Value::of_bool(true, value->origin));
    }
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") {
      return std::make_shared<const py::Value>(py::Value::of_bool(false, value->origin));
    }
    return value;  // "debug" stays a string, as in SQLAlchemy
  }
  char* end = nullptr;
  const long long n = std::strtoll(s.c_str(), &end, 10);
  if (end != s.c_str() && *end == '\0') {
    return std::make_shared<const py::Value>(py::Value::of_int(n, value->origin));
  }
  return value;
}

/// The environment variable an unresolved value reads: `os.environ["X"]` / `os.getenv("X")`, or a
/// field of a settings object (`get_settings().database_url`: pydantic matches names case-insensitively).
std::string environment_name(std::string_view unknown_text) {
  constexpr std::string_view kEnvRead = "environment variable ";
  if (unknown_text.rfind(kEnvRead, 0) == 0) return std::string(unknown_text.substr(kEnvRead.size()));
  const size_t dot = unknown_text.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string owner = core::lower(unknown_text.substr(0, dot));
  if (owner.size() >= 2 && owner.compare(owner.size() - 2, 2, "()") == 0) owner.resize(owner.size() - 2);
  if (owner.size() < 8 || owner.compare(owner.size() - 8, 8, "settings") != 0) return {};
  const std::string_view field = unknown_text.substr(dot + 1);
  std::string name;
  for (char c : field) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return {};
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

EngineConfig derive(const EngineSite& site, const py::ArgumentSet& args, const ProjectContext& context,
                    const DeploymentFacts& deployment) {
  EngineConfig config;
  config.complete = args.complete;
  config.call_complete = args.complete;
  const py::Argument* url_arg = nullptr;
  if (is_from_config(site.factory)) {
    const py::Argument* configuration = args.get("configuration", 0);
    std::string prefix = "sqlalchemy.";
    config.config_prefix = prefix;
    if (const py::Argument* p = args.get("prefix", 1)) {
      if (p->value->kind == ValueKind::kString && !p->value->partial) {
        prefix = p->value->text;
        config.config_prefix = prefix;
      } else {
        config.complete = false;
        config.config_prefix.reset();
      }
    }
    if (configuration && configuration->value->kind == ValueKind::kDict) {
      const py::DictValue& dict = *configuration->value->dict;
      if (!dict.complete) config.complete = false;
      for (const py::DictEntry& e : dict.entries) {
        if (e.key.rfind(prefix, 0) != 0) continue;
        std::string key = e.key.substr(prefix.size());
        // The entry's own removal: deleting `"sqlalchemy.pool_size": 5` drops the keyword (fixes).
        config.keywords.push_back(py::Argument{key, coerce(key, e.value), e.where, "configuration", e.removal});
      }
    } else {
      config.complete = false;
      config.runtime_configuration = true;
    }
    for (const py::Argument& k : args.keywords) {
      if (k.name == "configuration" || k.name == "prefix") continue;
      std::erase_if(config.keywords, [&](const py::Argument& a) { return a.name == k.name; });
      config.keywords.push_back(k);  // keyword arguments override the configuration
    }
  } else {
    url_arg = args.get("url", 0);
    for (const py::Argument& k : args.keywords) {
      if (k.name != "url") config.keywords.push_back(k);
    }
  }
  if (!url_arg) url_arg = config.arg("url");
  if (url_arg && url_arg->value->kind == ValueKind::kString) {
    config.url = parse_database_url(url_arg->value->text, url_arg->value->partial);
    config.url_origin = url_arg->value->origin.valid() ? url_arg->value->origin : url_arg->where;
  }
  if (!config.url && url_arg && url_arg->value->is_unknown()) config.url_variable = environment_name(url_arg->value->text);
  if (!config.url_variable.empty()) {
    // `os.environ["DATABASE_URL"]`, `Settings().database_url`: the value the project's env files give it.
    const EnvVariable* from = nullptr;
    if (auto url = environment_url(deployment, config.url_variable, site.where.path, &from)) {
      config.url = std::move(url);
      config.url_origin = from->where;
      config.url_source = config.url_variable + " from " + from->where.path + ":" + std::to_string(from->where.range.begin.line);
    }
  }
  config.is_async = is_async_factory(site.factory) || site.wrapped_async ||
                    (config.url && config.url->is_async_driver());
  config.pool = choose_pool(config, context, url_arg);
  return config;
}

PoolChoice choose_pool(const EngineConfig& config, const ProjectContext& context, const py::Argument* url_arg) {
  PoolChoice choice;
  if (const py::Argument* pool = config.arg("pool")) {
    if (pool->value->kind != ValueKind::kNone) {
      choice.instance = true;
      choice.origin = pool->where;
      choice.how = "pool=" + pool->value->render();
      if (pool->value->kind == ValueKind::kObject) {
        choice.kind = pool_from_symbol(pool->value->text).value_or(Pool::kCustom);
      }
      return choice;
    }
  }
  if (const py::Argument* cls = config.arg("poolclass")) {
    const py::Value& v = *cls->value;
    if (v.kind == ValueKind::kSymbol) {
      choice.explicit_class = true;
      choice.kind = pool_from_symbol(v.text).value_or(Pool::kCustom);
      choice.origin = cls->where;  // the keyword or dict entry that chose it
      choice.how = "poolclass=" + std::string(choice.kind == Pool::kCustom ? v.text : pool_name(choice.kind));
      return choice;
    }
    if (v.kind != ValueKind::kNone) return choice;  // Unknown: silence
  }
  if (!config.url || (config.url->partial && config.url->dialect.empty())) {
    return assume_pool_without_url(config, url_arg).value_or(choice);
  }
  if (!config.complete) return choice;
  const DatabaseUrl& url = *config.url;
  const Version version = context.sqlalchemy_or_latest();
  choice.origin = config.url_origin;
  if (url.is_sqlite()) {
    if (url.partial && !url.is_sqlite_memory() && url.database.find('{') != std::string::npos) return choice;
    const bool aiosqlite = url.driver == "aiosqlite";
    if (url.is_sqlite_memory()) {
      choice.kind = aiosqlite ? Pool::kStatic : Pool::kSingletonThread;
      choice.how = std::string("the default for ") + (aiosqlite ? "aiosqlite" : "pysqlite") + " :memory: databases";
    } else if (aiosqlite) {
      choice.kind = version >= Version{2, 0, 38} ? Pool::kAsyncAdaptedQueue : Pool::kNull;
      choice.how = "the default for aiosqlite file databases on SQLAlchemy " + version.str();
    } else {
      choice.kind = version >= Version{2, 0, 0} ? Pool::kQueue : Pool::kNull;
      choice.how = "the default for SQLite file databases on SQLAlchemy " + version.str();
    }
    return choice;
  }
  choice.kind = config.is_async ? Pool::kAsyncAdaptedQueue : Pool::kQueue;
  choice.how = "the default for " + url.dialect + " URLs";
  return choice;
}

/// One candidate app configuration for Flask-SQLAlchemy: a config class, then app.config writes.
struct FlaskCandidate {
  std::string label;
  std::map<std::string, py::Argument> keys;  // SQLALCHEMY_* -> value and where it was set
  std::vector<core::Note> notes;
};

/// Flask-SQLAlchemy builds the engine from app config. 3.x (assumed until the project's version is
/// known): constructor engine_options first, SQLALCHEMY_ENGINE_OPTIONS over them, and StaticPool
/// forced for SQLite in-memory URIs (extension.py `_apply_driver_defaults`).
void add_flask_engines(ProjectFacts& facts, const Resolver& resolver) {
  FileFacts* home = nullptr;
  const FlaskExtensionSite* extension = nullptr;
  for (FileFacts& f : facts.files) {
    if (!f.flask_extensions.empty() && !extension) {
      home = &f;
      extension = &f.flask_extensions.front();
    }
  }
  if (!extension) return;
  if (std::any_of(home->engines.begin(), home->engines.end(), [](const EngineSite& e) { return e.flask_sqlalchemy; })) {
    return;  // already resolved
  }
  std::vector<FlaskCandidate> candidates;
  // Every config class with SQLALCHEMY_ keys is a configuration the app can run with (which one
  // `app.config.from_object(...)` picks usually depends on the environment).
  for (const FileFacts& f : facts.files) {
    std::map<std::string, FlaskCandidate> by_class;
    for (const auto& [name, alts] : f.exports.names) {
      const size_t dot = name.find('.');
      if (dot == std::string::npos || name.compare(dot + 1, 11, "SQLALCHEMY_") != 0) continue;
      const std::string cls = name.substr(0, dot);
      if (alts.size() != 1) continue;
      FlaskCandidate& c = by_class[cls];
      py::ValuePtr v = resolver.resolve(alts[0].value);
      // The note points at the class's last SQLALCHEMY_ key in the source, whatever order the
      // exports map (a hash table, rebuilt in key order by the facts cache) is walked in: a
      // subclass's own keys come after those it inherits (its bases are defined before it).
      const core::Location& origin = alts[0].value->origin;
      if (c.label.empty()) {
        c.label = "config class " + cls;
        c.notes.push_back(core::Note{origin, "configuration when the app uses config class " + cls});
      } else if (const core::Location& noted = c.notes.front().where;
                 std::tie(noted.path, noted.range.begin) < std::tie(origin.path, origin.range.begin)) {
        c.notes.front().where = origin;
      }
      c.keys[name.substr(dot + 1)] = py::Argument{name.substr(dot + 1), v, v->origin, {}, {}};
    }
    for (auto& [cls, c] : by_class) candidates.push_back(std::move(c));
  }
  if (candidates.empty()) candidates.push_back(FlaskCandidate{"", {}, {}});
  for (const FileFacts& f : facts.files) {
    for (const FlaskConfigWrite& w : f.flask_config) {
      for (FlaskCandidate& c : candidates) {
        c.keys[w.key] = py::Argument{w.key, resolver.resolve(w.value), w.where, {}, {}};
        for (const core::Note& n : w.branch_notes) c.notes.push_back(n);
      }
    }
  }
  std::map<std::string, EngineSite> bind_sites;
  EngineSite site;
  site.where = extension->where;
  site.factory = Factory::kCreateEngine;
  site.callee = extension->callee;
  site.flask_sqlalchemy = true;
  for (FlaskCandidate& c : candidates) {
    RawEngineCall raw;
    raw.branch = c.label;
    raw.branch_notes = std::move(c.notes);
    auto uri = c.keys.find("SQLALCHEMY_DATABASE_URI");
    raw.args.positional.push_back(uri != c.keys.end() ? uri->second
                                                      : py::Argument{{}, std::make_shared<const py::Value>(py::Value::unknown()), {}, {}, {}});
    const DependencyVersions& versions = versions_of(facts, *home);
    const bool v2 = versions.flask_sqlalchemy && versions.flask_sqlalchemy->major < 3;
    auto add_options = [&](const py::ValuePtr& options, const std::string& via) {
      py::ValuePtr v = resolver.resolve(options);
      if (v->kind != ValueKind::kDict || !v->dict) {
        raw.args.complete = false;
        return;
      }
      // 3.x builds the engine with engine_from_config(options, prefix=""): strings of the coerced
      // keys become numbers (extension.py:667); 2.x calls create_engine() with them unchanged.
      for (const py::DictEntry& e : v->dict->entries) {
        raw.args.keywords.push_back(py::Argument{e.key, v2 ? e.value : coerce(e.key, e.value), e.where, via, e.removal});
      }
      if (!v->dict->complete || !v->dict->pending.empty()) raw.args.complete = false;
    };
    const py::Value& url = *raw.args.positional[0].value;
    const std::optional<DatabaseUrl> parsed =
        url.kind == ValueKind::kString ? parse_database_url(url.text, url.partial) : std::nullopt;
    auto options = c.keys.find("SQLALCHEMY_ENGINE_OPTIONS");
    if (v2) {
      // 2.x: legacy keys, then driver hacks (MySQL gets pool_size=10), then the config's options,
      // then the constructor's (flask_sqlalchemy/__init__.py:903-965, 615-618 @2.5.1).
      static constexpr std::pair<std::string_view, std::string_view> kLegacy[] = {
          {"SQLALCHEMY_POOL_SIZE", "pool_size"}, {"SQLALCHEMY_POOL_TIMEOUT", "pool_timeout"},
          {"SQLALCHEMY_POOL_RECYCLE", "pool_recycle"}, {"SQLALCHEMY_MAX_OVERFLOW", "max_overflow"}};
      for (const auto& [key, keyword] : kLegacy) {
        auto it = c.keys.find(std::string(key));
        if (it != c.keys.end()) {
          raw.args.keywords.push_back(py::Argument{std::string(keyword), it->second.value, it->second.where, std::string(key), {}});
        }
      }
      const bool has_size = std::any_of(raw.args.keywords.begin(), raw.args.keywords.end(),
                                        [](const py::Argument& a) { return a.name == "pool_size"; });
      if (parsed && parsed->is_mysql() && !has_size) {
        raw.args.keywords.push_back(py::Argument{
            "pool_size", std::make_shared<const py::Value>(py::Value::of_int(10, extension->where)), extension->where,
            "Flask-SQLAlchemy 2.x's default for MySQL", {}});
      }
      if (options != c.keys.end()) add_options(options->second.value, "SQLALCHEMY_ENGINE_OPTIONS");
      if (extension->engine_options) add_options(extension->engine_options, "SQLAlchemy(engine_options=...)");
    } else {
      // 3.x: the constructor's options, then the config's over them (extension.py:330-333).
      if (extension->engine_options) add_options(extension->engine_options, "SQLAlchemy(engine_options=...)");
      if (options != c.keys.end()) add_options(options->second.value, "SQLALCHEMY_ENGINE_OPTIONS");
    }
    if (parsed) {
      const bool has_pool = std::any_of(raw.args.keywords.begin(), raw.args.keywords.end(),
                                        [](const py::Argument& a) { return a.name == "poolclass"; });
      if (parsed && parsed->is_sqlite_memory() && !has_pool && raw.args.complete) {
        raw.args.keywords.push_back(py::Argument{
            "poolclass", std::make_shared<const py::Value>(py::Value::symbol("sqlalchemy.pool.StaticPool", extension->where)),
            extension->where, "Flask-SQLAlchemy's default for SQLite :memory:", {}});
      }
    }
    site.raw.push_back(std::move(raw));
    // SQLALCHEMY_BINDS: one engine per bind; in 3.x each starts from the constructor's
    // engine_options, not from SQLALCHEMY_ENGINE_OPTIONS (extension.py:341-347).
    auto binds = c.keys.find("SQLALCHEMY_BINDS");
    if (binds == c.keys.end()) continue;
    py::ValuePtr bind_map = resolver.resolve(binds->second.value);
    if (bind_map->kind != ValueKind::kDict || !bind_map->dict) continue;
    for (const py::DictEntry& bind : bind_map->dict->entries) {
      EngineSite& bind_site = bind_sites[bind.key];
      bind_site.where = extension->where;
      bind_site.factory = Factory::kCreateEngine;
      bind_site.callee = extension->callee + " bind '" + bind.key + "'";
      bind_site.flask_sqlalchemy = true;
      RawEngineCall bind_raw;
      bind_raw.branch = c.label;
      bind_raw.branch_notes = site.raw.back().branch_notes;
      if (extension->engine_options) {
        py::ValuePtr v = resolver.resolve(extension->engine_options);
        if (v->kind == ValueKind::kDict && v->dict) {
          for (const py::DictEntry& e : v->dict->entries) {
            bind_raw.args.keywords.push_back(py::Argument{e.key, e.value, e.where, "SQLAlchemy(engine_options=...)", {}});
          }
        } else {
          bind_raw.args.complete = false;
        }
      }
      py::ValuePtr value = resolver.resolve(bind.value);
      if (value->kind == ValueKind::kDict && value->dict) {
        const py::DictEntry* url_entry = value->dict->find("url");
        bind_raw.args.positional.push_back(url_entry ? py::Argument{{}, url_entry->value, url_entry->where, {}, {}}
                                                     : py::Argument{{}, std::make_shared<const py::Value>(py::Value::unknown()), {}, {}, {}});
        for (const py::DictEntry& e : value->dict->entries) {
          if (e.key != "url") bind_raw.args.keywords.push_back(py::Argument{e.key, e.value, e.where, "SQLALCHEMY_BINDS", {}});
        }
        if (!value->dict->complete) bind_raw.args.complete = false;
      } else {
        bind_raw.args.positional.push_back(py::Argument{{}, value, bind.where, {}, {}});
      }
      bind_site.raw.push_back(std::move(bind_raw));
    }
  }
  home->engines.push_back(std::move(site));
  for (auto& [name, bind_site] : bind_sites) home->engines.push_back(std::move(bind_site));
}

}  // namespace

void resolve_project(ProjectFacts& facts) {
  const Resolver resolver(facts);
  add_flask_engines(facts, resolver);
  resolve_sessions(facts);
  facts.dialect = infer_dialect(facts);
  for (FileFacts& file : facts.files) {
    // A service with its own dependency files picks its pool defaults by its own version.
    ProjectContext service_context;
    if (file.versions) {
      service_context = facts.context;
      static_cast<DependencyVersions&>(service_context) = *file.versions;
    }
    const ProjectContext& context = file.versions ? service_context : facts.context;
    for (EngineSite& site : file.engines) {
      site.configs.clear();
      for (const RawEngineCall& raw : site.raw) {
        py::ArgumentSet args;
        args.complete = raw.args.complete;
        args.tags = raw.args.tags;
        for (const py::Argument& a : raw.args.positional) {
          args.positional.push_back(py::Argument{a.name, resolver.resolve(a.value), a.where, a.via, a.removal});
        }
        for (const py::Argument& a : raw.args.keywords) {
          if (a.name != "**") {
            args.keywords.push_back(py::Argument{a.name, resolver.resolve(a.value), a.where, a.via, a.removal});
            continue;
          }
          // `**settings.ENGINE_OPTIONS`: another module's dict, expanded now.
          py::ValuePtr source = resolver.resolve(a.value);
          if (source->kind == ValueKind::kDict && source->dict) {
            for (const py::DictEntry& e : source->dict->entries) {
              args.keywords.push_back(py::Argument{e.key, e.value, e.where, a.via, e.removal});
            }
            if (!source->dict->complete) args.complete = false;
          } else {
            args.complete = false;
          }
        }
        EngineConfig config = derive(site, args, context, facts.deployment);
        apply_inferred_dialect(config, file, facts.dialect, context);
        config.branch = raw.branch;
        config.branch_notes = raw.branch_notes;
        // Branches that end up with the same configuration are one configuration.
        const bool duplicate = std::any_of(site.configs.begin(), site.configs.end(),
                                           [&](const EngineConfig& c) { return same_config(c, config); });
        if (!duplicate) site.configs.push_back(std::move(config));
      }
    }
  }
}

}  // namespace sqla
