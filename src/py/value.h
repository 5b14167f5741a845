#pragma once
// Abstract values of Python expressions. Unknown is a normal value: what cannot be resolved
// stays Unknown, and rules stay silent about it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fix.h"
#include "core/location.h"

namespace py {

enum class ValueKind : uint8_t {
  kUnknown,   ///< not resolved; `text` may name what it came from ("call of os.getenv")
  kNone,
  kBool,
  kInt,
  kFloat,
  kString,    ///< `text` is the decoded literal; `partial` for f-strings (fields kept as {expr})
  kSymbol,    ///< a qualified name through imports: "sqlalchemy.pool.NullPool"; a call of a
              ///< name appends "()" ("app.config.get_settings().DATABASE_URL"), resolved later
              ///< against the project's modules (sqla::resolve_project)
  kDict,
  kList,      ///< list, tuple or set
  kObject,    ///< an instance made by a known factory: `text` = type, `object_id` = site index
  kFunction,  ///< a function of this module: `object_id` = function index
};

struct Value;

/// One `key: value` of a dict value, with where it was written.
struct DictEntry {
  std::string key;
  std::shared_ptr<const Value> value;
  core::Location where;  ///< the entry (or `d[k] = v` statement) that set it
  /// The bytes that delete the entry from its dict display or dict(...) call (py/removal.h);
  /// invalid for `d[k] = v`, `d.update(...)` and the like.
  core::TextSpan removal;
};

/// An ordered dict with string keys. `complete` is false when entries may exist that are not
/// listed (an unresolved `**x`, a non-string key, an update from an unknown mapping).
struct DictValue {
  std::vector<DictEntry> entries;
  /// `**x` sources that are Symbols (a name of another module): expanded when the project is
  /// resolved; until then the dict is not complete.
  std::vector<std::shared_ptr<const Value>> pending;
  bool complete = true;
  const DictEntry* find(std::string_view key) const;
};

/// An abstract Python value with its origin.
struct Value {
  ValueKind kind = ValueKind::kUnknown;
  bool boolean = false;
  bool partial = false;
  /// A default the deployment can override: `os.getenv("X", default)`, a pydantic BaseSettings
  /// field default. Real for crashes (the default may run), not proof of a hard-coded choice.
  bool overridable = false;
  /// `str(x)` of a Symbol: the project value it names counts only when it is a string (a URL
  /// setting, `str(settings.DATABASE_URL)`); anything else gives Unknown when resolved.
  bool as_string = false;
  int64_t integer = 0;
  double real = 0;
  int object_id = -1;
  std::string text;
  std::shared_ptr<const DictValue> dict;
  std::vector<std::shared_ptr<const Value>> items;
  core::Location origin;  ///< where the value was written (a literal, an import, a call)

  static Value unknown(core::Location origin = {}, std::string what = {});
  static Value none(core::Location origin);
  static Value of_bool(bool b, core::Location origin);
  static Value of_int(int64_t i, core::Location origin);
  static Value of_string(std::string s, core::Location origin, bool partial = false);
  static Value symbol(std::string qualified_name, core::Location origin);

  bool is_unknown() const { return kind == ValueKind::kUnknown; }
  bool is_symbol(std::string_view name) const { return kind == ValueKind::kSymbol && text == name; }
  /// Python truthiness when known.
  std::optional<bool> truthy() const;
  /// A short rendering for reports and --dump-facts ("True", "'abc'", "sqlalchemy.pool.NullPool").
  std::string render() const;
  /// Structural equality, origins ignored.
  bool same_as(const Value& other) const;
};

using ValuePtr = std::shared_ptr<const Value>;

}  // namespace py
