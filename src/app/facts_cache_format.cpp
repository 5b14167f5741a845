// The facts cache's entry format (facts_cache_format.h): one reader, one writer, one place that
// knows the fields. A struct is the sequence of its fields in the order its PA_ARRAY line lists
// them, with no names, tags or counts (both sides know the layout; an entry of another layout
// has another kFactsCacheFormat or another build in its key, and is never read): adding,
// removing or reordering a field of any struct below means bumping kFactsCacheFormat.
//
// Encoding (little-endian): unsigned integers and enums as LEB128 varints, signed integers
// zigzagged first; bool as one byte 0/1; double as its 8-byte IEEE bits; string and containers
// as a varint count then the bytes or elements; optional and shared_ptr as a byte 0/1 then the
// value; a map or set in key order (the same facts give the same bytes). An analysis piece
// (LazyAnalysis) is prefixed with its length, so a run that does not use it skips it.
//
// The reader decodes straight into the structs (no DOM) and trusts nothing: every read is
// bounds-checked, a count larger than the bytes left is refused before anything is allocated
// (every element takes at least one byte), enums and integers are range-checked against their
// field's type, nesting is bounded, and the payload must end exactly where the entry does.
// Anything else makes the entry invalid: it is recomputed and rewritten. It never throws.
#include "app/facts_cache_format.h"

// Header-only (XXH_INLINE_ALL): no libxxhash for the dynamic loader to map at start-up.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

// PA_FOR_EACH(m, a, b, c) is m(a) m(b) m(c): __VA_OPT__ recursion, rescanned by PA_EXPAND up to
// 4^4 times (more than the longest field list).
#define PA_PARENS ()
#define PA_EXPAND(...) PA_EXPAND3(PA_EXPAND3(PA_EXPAND3(PA_EXPAND3(__VA_ARGS__))))
#define PA_EXPAND3(...) PA_EXPAND2(PA_EXPAND2(PA_EXPAND2(PA_EXPAND2(__VA_ARGS__))))
#define PA_EXPAND2(...) PA_EXPAND1(PA_EXPAND1(PA_EXPAND1(PA_EXPAND1(__VA_ARGS__))))
#define PA_EXPAND1(...) __VA_ARGS__
#define PA_FOR_EACH(macro, ...) __VA_OPT__(PA_EXPAND(PA_FOR_EACH_STEP(macro, __VA_ARGS__)))
#define PA_FOR_EACH_STEP(macro, first, ...) macro(first) __VA_OPT__(PA_FOR_EACH_AGAIN PA_PARENS(macro, __VA_ARGS__))
#define PA_FOR_EACH_AGAIN() PA_FOR_EACH_STEP

// A struct's field list: cache_fields(visit, value) calls visit(value.field) for each, in order;
// the writer and the reader are the two visitors (found by argument-dependent lookup, so each
// list sits in its struct's namespace).
#define PA_FIELD(field) pa_visit(pa_value.field);
#define PA_ARRAY(Type, ...)                                               \
  template <typename Visit, typename T>                                   \
    requires std::same_as<std::remove_const_t<T>, Type>                   \
  void cache_fields(Visit& pa_visit, T& pa_value) {                       \
    PA_FOR_EACH(PA_FIELD, __VA_ARGS__)                                    \
  }

// An enum as its number, checked against its last enumerator: an out-of-range role would index
// past a table.
#define PA_ENUM(Type, Last) \
  constexpr Type cache_last_enumerator(Type) { return Last; }

namespace core {
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

template <typename T, template <typename...> class Template>
inline constexpr bool kIs = false;
template <template <typename...> class Template, typename... Args>
inline constexpr bool kIs<Template<Args...>, Template> = true;

/// What a map or set decodes an element into: its value_type without the const key.
template <typename T>
struct Element {
  using type = T;
};
template <typename K, typename V>
struct Element<std::pair<const K, V>> {
  using type = std::pair<K, V>;
};

template <typename T>
uint64_t zigzag(T v) {
  const auto wide = static_cast<int64_t>(v);
  return (static_cast<uint64_t>(wide) << 1) ^ static_cast<uint64_t>(wide >> 63);
}

/// The writer: appends each value's encoding to `out`.
class Writer {
 public:
  std::string out;

  template <typename T>
  void operator()(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      out.push_back(value ? '\1' : '\0');
    } else if constexpr (std::is_enum_v<T>) {
      varint(static_cast<uint64_t>(value));
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      varint(zigzag(value));
    } else if constexpr (std::is_integral_v<T>) {
      varint(static_cast<uint64_t>(value));
    } else if constexpr (std::is_same_v<T, double>) {
      const auto bits = std::bit_cast<uint64_t>(value);
      for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
      varint(value.size());
      out += value;
    } else if constexpr (std::is_same_v<T, core::InternedPath>) {
      (*this)(value.str());  // a path travels as its text
    } else if constexpr (kIs<T, std::vector> || kIs<T, std::map> || kIs<T, std::set>) {
      varint(value.size());
      for (const auto& element : value) (*this)(element);
    } else if constexpr (kIs<T, std::unordered_map> || kIs<T, std::unordered_set>) {
      // In key order: the iteration order of a hash table depends on its history.
      std::vector<const typename T::value_type*> sorted;
      sorted.reserve(value.size());
      for (const auto& element : value) sorted.push_back(&element);
      std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return key_of(*a) < key_of(*b); });
      varint(sorted.size());
      for (const auto* element : sorted) (*this)(*element);
    } else if constexpr (kIs<T, std::pair>) {
      (*this)(value.first);
      (*this)(value.second);
    } else if constexpr (kIs<T, std::optional> || kIs<T, std::shared_ptr>) {
      (*this)(static_cast<bool>(value));
      if (value) (*this)(*value);
    } else if constexpr (std::is_same_v<T, LazyAnalysis>) {
      (*this)(value.has_value());
      if (!value.has_value()) return;
      if (!value.stored_bytes().empty()) {
        (*this)(value.stored_bytes());  // as read: written back without encoding it again
      } else {
        Writer piece;
        piece(*value.decoded());
        (*this)(piece.out);
      }
    } else {
      cache_fields(*this, value);
    }
  }

 private:
  template <typename K, typename V>
  static const K& key_of(const std::pair<const K, V>& element) {
    return element.first;
  }
  template <typename K>
  static const K& key_of(const K& element) {
    return element;
  }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
};

/// Deeper than any fact (values nest as deep as the code's literals, and the analysis bounds
/// that); a crafted entry cannot exhaust the stack of the recursive reader.
constexpr size_t kMaxDepth = 512;

/// The reader: decodes each value in place. The first problem marks it failed and empties what
/// is left, so every later read fails at once (no exception, no partial trust: the caller drops
/// the whole entry).
class Reader {
 public:
  /// `owner`, when given, holds `bytes`: lazy pieces point into it rather than copy.
  Reader(std::span<const uint8_t> bytes, bool eager, std::shared_ptr<const std::string> owner = nullptr)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()), eager_(eager), owner_(std::move(owner)) {}
  /// True when every read succeeded and the bytes are used up.
  bool finished() const { return !failed_ && p_ == end_; }

  template <typename T>
  void operator()(T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      const uint64_t v = p_ < end_ ? *p_++ : 2;
      if (v > 1) fail();
      value = v == 1;
    } else if constexpr (std::is_enum_v<T>) {
      const uint64_t v = varint();
      if (v > static_cast<uint64_t>(cache_last_enumerator(T{}))) return fail();
      value = static_cast<T>(v);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const uint64_t z = varint();
      const auto v = static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return fail();
      value = static_cast<T>(v);
    } else if constexpr (std::is_integral_v<T>) {
      const uint64_t v = varint();
      if (v > std::numeric_limits<T>::max()) return fail();
      value = static_cast<T>(v);
    } else if constexpr (std::is_same_v<T, double>) {
      if (end_ - p_ < 8) return fail();
      uint64_t bits = 0;
      for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(p_[i]) << (8 * i);
      p_ += 8;
      value = std::bit_cast<double>(bits);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const size_t n = count();
      value.assign(reinterpret_cast<const char*>(p_), n);
      p_ += n;
    } else if constexpr (std::is_same_v<T, core::InternedPath>) {
      const size_t n = count();
      if (failed_) return;
      value = core::InternedPath(std::string_view(reinterpret_cast<const char*>(p_), n));  // interned again
      p_ += n;
    } else if constexpr (kIs<T, std::vector>) {
      const size_t n = count();
      const Nested nested(*this);
      value.clear();
      value.reserve(n);
      for (size_t i = 0; i < n && !failed_; ++i) (*this)(value.emplace_back());
    } else if constexpr (kIs<T, std::map> || kIs<T, std::set> || kIs<T, std::unordered_map> ||
                         kIs<T, std::unordered_set>) {
      const size_t n = count();
      const Nested nested(*this);
      value.clear();
      if constexpr (requires { value.reserve(n); }) value.reserve(n);
      for (size_t i = 0; i < n && !failed_; ++i) {
        // The writer never repeats a key: a repeated key is refused.
        typename Element<typename T::value_type>::type element;
        (*this)(element);
        if (!value.emplace(std::move(element)).second) fail();
      }
    } else if constexpr (kIs<T, std::pair>) {
      (*this)(value.first);
      (*this)(value.second);
    } else if constexpr (kIs<T, std::optional>) {
      bool present = false;
      (*this)(present);
      value.reset();
      if (present) (*this)(value.emplace());
    } else if constexpr (kIs<T, std::shared_ptr>) {
      bool present = false;
      (*this)(present);
      value.reset();
      if (!present) return;
      auto made = std::make_shared<std::remove_const_t<typename T::element_type>>();
      (*this)(*made);
      value = std::move(made);
    } else if constexpr (std::is_same_v<T, LazyAnalysis>) {
      bool present = false;
      (*this)(present);
      value.reset();
      if (!present) return;
      const size_t n = count();
      if (n == 0) return fail();  // a piece is never empty: LazyAnalysis holds no empty bytes
      const std::span<const uint8_t> piece(p_, n);
      p_ += n;
      if (!eager_) {
        const std::string_view view(reinterpret_cast<const char*>(piece.data()), n);
        if (owner_) return value.set_stored_bytes(owner_, view);
        auto copy = std::make_shared<const std::string>(view);
        return value.set_stored_bytes(copy, *copy);
      }
      Reader inner(piece, true);
      CachedAnalysis analysis;
      inner(analysis);
      if (!inner.finished()) return fail();
      value = std::move(analysis);
    } else {
      const Nested nested(*this);
      if (!failed_) cache_fields(*this, value);
    }
  }

 private:
  /// One level of nesting for its lifetime; past kMaxDepth the reader fails.
  struct Nested {
    Reader& reader;
    explicit Nested(Reader& r) : reader(r) {
      if (++reader.depth_ > kMaxDepth) reader.fail();
    }
    ~Nested() { --reader.depth_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
  };

  void fail() {
    failed_ = true;
    p_ = end_;
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) break;
      const uint8_t byte = *p_++;
      if (shift == 63 && byte > 1) break;  // past 64 bits
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    fail();
    return 0;
  }
  /// A count of elements or bytes: each takes at least one byte, so more than are left is refused
  /// before anything is allocated.
  size_t count() {
    const uint64_t n = varint();
    if (n > static_cast<uint64_t>(end_ - p_)) {
      fail();
      return 0;
    }
    return static_cast<size_t>(n);
  }

  const uint8_t* p_;
  const uint8_t* end_;
  bool eager_;
  std::shared_ptr<const std::string> owner_;
  bool failed_ = false;
  size_t depth_ = 0;
};

template <typename T>
std::string encode(const T& value) {
  Writer writer;
  writer(value);
  return std::move(writer.out);
}

constexpr char kMagic[4] = {'P', 'A', 'F', 'C'};
constexpr size_t kHeaderSize = sizeof(kMagic) + 4 + 16 + 8;  // magic, format, key digest, payload checksum

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

CachedAnalysis* LazyAnalysis::get() {
  if (!value_ && !bytes_.empty()) {
    Reader reader(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes_.data()), bytes_.size()), true);
    CachedAnalysis analysis;
    reader(analysis);
    if (reader.finished()) {
      value_ = std::move(analysis);
    } else {
      drop_bytes();  // not an analysis: dropped
    }
  }
  return value_ ? &*value_ : nullptr;
}

std::string encode_cache_payload(const CacheEntry& entry) { return encode(entry); }

namespace {

std::optional<CacheEntry> decode_payload(std::span<const uint8_t> payload, bool eager,
                                         std::shared_ptr<const std::string> owner) {
  Reader reader(payload, eager, std::move(owner));
  CacheEntry entry;
  reader(entry);
  if (!reader.finished()) return std::nullopt;
  return entry;
}

/// The payload of an entry file written for `key`: empty for another format or key, or a payload
/// that does not match its checksum.
std::optional<std::span<const uint8_t>> checked_payload(std::span<const uint8_t> bytes, const std::string& key) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) return std::nullopt;
  if (get_le(bytes.data() + 4, 4) != kFactsCacheFormat) return std::nullopt;
  const std::string digest = key_digest(key);
  if (std::memcmp(bytes.data() + 8, digest.data(), digest.size()) != 0) return std::nullopt;  // a foreign entry
  const std::span<const uint8_t> payload = bytes.subspan(kHeaderSize);
  // A torn or flipped payload: the layout alone would accept a changed string or number.
  if (get_le(bytes.data() + 24, 8) != XXH3_64bits(payload.data(), payload.size())) return std::nullopt;
  return payload;
}

}  // namespace

std::optional<CacheEntry> decode_cache_payload(std::span<const uint8_t> payload, bool eager) {
  return decode_payload(payload, eager, nullptr);
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
  const std::optional<std::span<const uint8_t>> payload = checked_payload(bytes, key);
  if (!payload) return std::nullopt;
  return decode_payload(*payload, false, nullptr);
}

std::optional<CacheEntry> decode_cache_entry(const std::shared_ptr<const std::string>& file, const std::string& key) {
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(file->data()), file->size());
  const std::optional<std::span<const uint8_t>> payload = checked_payload(bytes, key);
  if (!payload) return std::nullopt;
  return decode_payload(*payload, false, file);
}

std::string encode_wrappers(const std::vector<sqla::Wrapper>& wrappers) { return encode(wrappers); }

}  // namespace app
