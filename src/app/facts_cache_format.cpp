// The facts cache's entry format (facts_cache_format.h). One place knows the fields: a struct is
// written as a MessagePack array of its fields in declaration order (no field names: a smaller
// entry, a faster load), so adding, removing or reordering a field of any struct below means
// bumping kFactsCacheFormat. The reader trusts nothing: every array must have exactly its
// struct's length, every enum is range-checked, nesting is bounded, and anything unexpected makes
// the whole entry invalid (it is then recomputed and rewritten).
#include "app/facts_cache_format.h"

// Header-only (XXH_INLINE_ALL): no libxxhash for the dynamic loader to map at start-up.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

using json = nlohmann::json;

namespace app {
namespace {

/// The array's next element; throws (caught by the decoder) past its end.
struct Fields {
  const json& array;
  size_t next = 0;
  const json& take() { return array.at(next++); }
};

// A double field travels as its IEEE bits, so an entry holds no floating-point number at all and
// the reader refuses every one (BoundedDom::number_float): nlohmann static_casts a float read
// into an integer field, undefined behaviour past the field's range (found by fuzz_facts_cache).
template <typename T>
const T& stored(const T& value) {
  return value;
}
inline uint64_t stored(double value) { return std::bit_cast<uint64_t>(value); }
template <typename T>
void restore(const json& j, T& value) {
  j.get_to(value);
}
inline void restore(const json& j, double& value) {
  if (!j.is_number_unsigned()) throw std::runtime_error("double not stored as its bits");
  value = std::bit_cast<double>(j.get<uint64_t>());
}

}  // namespace
}  // namespace app

// A struct as the array of its fields. NLOHMANN_JSON_PASTE applies a one-argument macro to each.
#define PA_FIELD_TO(field) pa_j.push_back(app::stored(pa_t.field));
#define PA_FIELD_FROM(field) app::restore(pa_f.take(), pa_t.field);
#define PA_ARRAY(Type, ...)                                                                 \
  inline void to_json(json& pa_j, const Type& pa_t) {                                       \
    pa_j = json::array();                                                                   \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(PA_FIELD_TO, __VA_ARGS__))                     \
  }                                                                                         \
  inline void from_json(const json& pa_j, Type& pa_t) {                                     \
    if (!pa_j.is_array()) throw std::runtime_error("not an array");                         \
    app::Fields pa_f{pa_j};                                                                 \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(PA_FIELD_FROM, __VA_ARGS__))                   \
    if (pa_f.next != pa_j.size()) throw std::runtime_error("extra fields");                 \
  }

// An enum as its number, checked against its last enumerator: an out-of-range role would index
// past a table.
#define PA_ENUM(Type, Last)                                                                 \
  inline void to_json(json& pa_j, const Type& pa_t) { pa_j = static_cast<uint64_t>(pa_t); } \
  inline void from_json(const json& pa_j, Type& pa_t) {                                     \
    if (!pa_j.is_number_unsigned()) throw std::runtime_error("enum not a number");          \
    const uint64_t pa_v = pa_j.get<uint64_t>();                                             \
    if (pa_v > static_cast<uint64_t>(Last)) throw std::runtime_error("enum out of range");  \
    pa_t = static_cast<Type>(pa_v);                                                         \
  }

namespace nlohmann {

template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    j = json::array();
    if (v) j.push_back(*v);
  }
  static void from_json(const json& j, std::optional<T>& v) {
    if (!j.is_array() || j.size() > 1) throw std::runtime_error("bad optional");
    if (j.empty()) {
      v.reset();
    } else {
      v = j[0].get<T>();
    }
  }
};

template <typename T>
struct adl_serializer<std::shared_ptr<const T>> {
  static void to_json(json& j, const std::shared_ptr<const T>& v) {
    if (v) {
      j = *v;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::shared_ptr<const T>& v) {
    if (j.is_null()) {
      v.reset();
    } else {
      v = std::make_shared<const T>(j.get<T>());
    }
  }
};

}  // namespace nlohmann

namespace core {
// A path travels as its text; read back, it is interned again (one copy per file in memory).
inline void to_json(json& j, const InternedPath& p) { j = p.str(); }
inline void from_json(const json& j, InternedPath& p) { p = InternedPath(j.get<std::string>()); }
PA_ENUM(FileRole, FileRole::kScript)
PA_ENUM(Severity, Severity::kError)
PA_ENUM(Applicability, Applicability::kUnsafe)
PA_ARRAY(Position, line, column)
PA_ARRAY(SourceRange, begin, end)
PA_ARRAY(Location, path, range)
PA_ARRAY(TextSpan, begin, end, range)
PA_ARRAY(Edit, span, replacement)
PA_ARRAY(Fix, title, applicability, edits)
PA_ARRAY(Note, where, message)
PA_ARRAY(Finding, code, name, severity, where, message, fix, autofix, notes, scope, subject, suppressed, suppression)
}  // namespace core

namespace py {
PA_ENUM(ValueKind, ValueKind::kFunction)
// Value and DictValue refer to each other through shared pointers: declared first.
void to_json(json& j, const Value& v);
void from_json(const json& j, Value& v);
PA_ARRAY(DictEntry, key, value, where, removal)
PA_ARRAY(DictValue, entries, pending, complete)
PA_ARRAY(Value, kind, boolean, partial, overridable, as_string, integer, real, object_id, text, dict, items, origin)
PA_ARRAY(CondTag, id, taken)
PA_ARRAY(Alt, value, tags)
PA_ARRAY(Argument, name, value, where, via, removal)
PA_ARRAY(ArgumentSet, positional, keywords, complete, tags)
}  // namespace py

namespace sqla {
PA_ENUM(Pool, Pool::kCustom)
PA_ENUM(Factory, Factory::kAsyncEngineFromConfig)
PA_ENUM(Release, Release::kThrowAway)
PA_ENUM(RegistryReference::Kind, RegistryReference::Kind::kOther)
PA_ENUM(EntryKind, EntryKind::kScheduledJob)
PA_ARRAY(Version, major, minor, patch)
PA_ARRAY(Dependency, name, where)
PA_ARRAY(DependencyVersions, sqlalchemy, sqlalchemy_origin, flask_sqlalchemy, flask_sqlalchemy_origin, fastapi,
         fastapi_origin, dependencies)
PA_ARRAY(DatabaseUrl, text, dialect, driver, user, password, host, port, database, query, partial)
PA_ARRAY(PoolChoice, kind, explicit_class, instance, origin, how, assumed, assumption)
PA_ARRAY(EngineConfig, keywords, complete, call_complete, url, url_origin, pool, is_async, runtime_configuration,
         config_prefix, branch, branch_notes, url_variable, url_source, inferred_family, inferred_driver,
         inferred_from)
PA_ARRAY(RawEngineCall, args, branch, branch_notes)
PA_ARRAY(EngineSite, where, arguments, factory, callee, assigned_to, function, in_loop, wrapped_async, through,
         wrapped_site, flask_sqlalchemy, parameters, parameter_defaults, kwargs_parameter, raw, configs)
PA_ARRAY(SessionFactorySite, where, callee, assigned_to, bind, function, scoped)
PA_ARRAY(Handover, symbol, position, keyword)
PA_ARRAY(ParameterCustody, function, parameter, index)
PA_ARRAY(RegistryReference, symbol, text, kind, where)
PA_ARRAY(EngineReference, symbol, function, plain_function, where)
PA_ARRAY(SessionUse, where, connection, callee, name, function, module_level, in_generator, yielded, foreign_bind,
         test_fixture, setup_once, early_exit, unbound, release, release_where, commit_in_finally,
         commit_after_except, symbol, confirmed, handovers, lent)
PA_ARRAY(WithCall, where, callee, async_with, symbol, plain_generator, async_generator, definition)
PA_ARRAY(SessionAutocommit, call, where, callee, via, branch, removal)
PA_ARRAY(DisposeCall, where, receiver, awaited, function, close_false)
PA_ARRAY(UrlLiteral, where, url, assigned_to)
PA_ARRAY(DialectClue, family, driver, what, where)
PA_ARRAY(FlaskConfigWrite, key, value, where, branch_notes)
PA_ARRAY(FlaskExtensionSite, where, callee, engine_options, options_where)
PA_ARRAY(WebApp, framework, where, assigned_to, test_client)
PA_ARRAY(ThreadSource, what, where, test_client)
PA_ARRAY(DatabaseUse, what, where)
PA_ARRAY(EventHandler, where, event, function, receiver, database, calls)
PA_ARRAY(ModuleExports, names, classes)
PA_ARRAY(EntryPoint, function, kind, why, where, evidence)
PA_ARRAY(FunctionCall, caller, callee, symbol, where)
PA_ARRAY(RegistryRelease, object, method, where)
PA_ARRAY(ForeignEntryPoint, symbol, kind, why, evidence)
PA_ARRAY(ForeignTaskDecorator, function, receiver, kind, why, where)
PA_ARRAY(EntryPointFacts, entry_points, cached_functions, calls, registry_releases, foreign_entry_points,
         foreign_task_decorators, context_managers)
PA_ARRAY(Evidence, what, where, platform, scope, code_dir)
PA_ARRAY(PoolerEndpoint, host, port, mode, where)
PA_ARRAY(ServerProcess, server, where, workers, workers_origin, threads, worker_class, forks, preload, preload_where,
         command, directory, code_dir)
PA_ARRAY(EnvVariable, name, value, where, example, code_dir)
PA_ARRAY(ForkHook, hook, where)
PA_ARRAY(ImportTimeConnect, where, what, engine, engine_symbol, through, engine_path)
PA_ARRAY(ConnectingFunction, qualified_name, connect)
PA_ARRAY(ComposeDatabase, hosts, image, passwords, where)
PA_ARRAY(DeploymentFacts, serverless, poolers, servers, processes, env, fork_hooks, import_connects,
         connecting_functions, imported_calls, max_connections, max_connections_where, asgi_apps, frontend_only,
         vercel_dirs, database_servers, compose_databases)
PA_ARRAY(ScopeSpan, first_line, last_line, name)
PA_ARRAY(TextEdit, begin, end, text, range)
PA_ARRAY(ArgumentSpan, name, begin, end, value_begin, value_end, at)
PA_ARRAY(CallLayout, call, begin, open, text, args, comments)
PA_ARRAY(ImportBinding, local, target, statement_begin, next_line, next_line_number)
PA_ARRAY(BlockEnd, receiver, method, function, async_with, in_async_function, insert_at, insert_line, indent,
         needs_newline)
PA_ARRAY(PlannedEdits, at, edits)
PA_ARRAY(EditAnchors, calls, imports, globals, with_blocks, yield_wraps, lifespan)
PA_ARRAY(FileFacts, path, module_name, module_aliases, versions, role, role_why, is_test, creates_tables, about_leaks,
         is_alembic_env, engines, session_factories, sessions, session_autocommit, parameter_custody,
         registry_references, engine_references, star_imports, with_calls, plain_generators, is_script,
         cli_commands, disposals, url_literals, dialect_clues, migration_runs, flask_config, flask_config_objects,
         flask_extensions, web_apps, thread_sources, event_handlers, database_functions, exports, entry, deployment,
         service, scopes, anchors)
PA_ARRAY(Wrapper, qualified_name, name, path, site)
}  // namespace sqla

namespace app {
PA_ENUM(Directive::Kind, Directive::Kind::kNoqa)
PA_ARRAY(Directive, kind, codes, reason, where, own_line, first_line, last_line, byte, problem)
PA_ARRAY(CachedScan, relevant, has_with, has_yield, local_generator, reach_names, other_names, comment_directives)
PA_ARRAY(CachedAnalysis, diagnostics, directives, python, skipped, role)
PA_ARRAY(CacheEntry, content_hash, size, mtime_ns, ctime_ns, inode, role, scan, plain, wrappers_key, names_wrapper,
         wrapped)

namespace {

constexpr char kMagic[4] = {'P', 'A', 'F', 'C'};
constexpr size_t kHeaderSize = sizeof(kMagic) + 4 + 16 + 8;  // magic, format, key digest, payload checksum
/// Deeper than any fact (values nest as deep as the code's literals, and the analysis bounds
/// that); a crafted entry cannot exhaust the stack of the recursive MessagePack reader.
constexpr size_t kMaxDepth = 512;

/// The DOM builder with a nesting bound: returning false stops the reader before it recurses.
class BoundedDom : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  explicit BoundedDom(json& result) : json_sax_dom_parser(result, false) {}
  bool start_object(std::size_t n) { return ++depth_ <= kMaxDepth && json_sax_dom_parser::start_object(n); }
  bool end_object() {
    --depth_;
    return json_sax_dom_parser::end_object();
  }
  bool start_array(std::size_t n) { return ++depth_ <= kMaxDepth && json_sax_dom_parser::start_array(n); }
  /// No entry holds one (doubles are stored as bits): see stored().
  bool number_float(json::number_float_t, const json::string_t&) { return false; }
  bool end_array() {
    --depth_;
    return json_sax_dom_parser::end_array();
  }

 private:
  size_t depth_ = 0;
};

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t get_le(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

std::string key_digest(const std::string& key) {
  const XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  std::string out;
  put_u64(out, h.low64);
  put_u64(out, h.high64);
  return out;
}

}  // namespace

std::string encode_cache_payload(const CacheEntry& entry) {
  const std::vector<uint8_t> bytes = json::to_msgpack(json(entry));
  return std::string(bytes.begin(), bytes.end());
}

std::optional<CacheEntry> decode_cache_payload(std::span<const uint8_t> payload) {
  try {
    json root;
    BoundedDom dom(root);
    if (!json::sax_parse(payload.begin(), payload.end(), &dom, json::input_format_t::msgpack, true) ||
        dom.is_errored()) {
      return std::nullopt;
    }
    return root.get<CacheEntry>();
  } catch (const std::exception&) {  // a type or length mismatch anywhere: not an entry
    return std::nullopt;
  }
}

std::string encode_cache_entry(const CacheEntry& entry, const std::string& key) {
  const std::string payload = encode_cache_payload(entry);
  std::string out(kMagic, sizeof(kMagic));
  put_u32(out, kFactsCacheFormat);
  out += key_digest(key);
  put_u64(out, XXH3_64bits(payload.data(), payload.size()));
  out += payload;
  return out;
}

std::optional<CacheEntry> decode_cache_entry(std::span<const uint8_t> bytes, const std::string& key) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) return std::nullopt;
  if (get_le(bytes.data() + 4, 4) != kFactsCacheFormat) return std::nullopt;
  const std::string digest = key_digest(key);
  if (std::memcmp(bytes.data() + 8, digest.data(), digest.size()) != 0) return std::nullopt;  // a foreign entry
  const std::span<const uint8_t> payload = bytes.subspan(kHeaderSize);
  // A torn or flipped payload: MessagePack alone would accept a changed string or number.
  if (get_le(bytes.data() + 24, 8) != XXH3_64bits(payload.data(), payload.size())) return std::nullopt;
  return decode_cache_payload(payload);
}

std::string encode_wrappers(const std::vector<sqla::Wrapper>& wrappers) {
  const std::vector<uint8_t> bytes = json::to_msgpack(json(wrappers));
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace app
