#pragma once
// The relevance pre-filter (issue #7). Most files of a monorepo never touch a database; a literal
// scan (memmem speed) decides which Python files can hold facts on their own, and the import
// statements say which other modules the resolver may need. Only those are parsed. A false
// "relevant" costs time; a false "irrelevant" loses findings: the literal list is generous.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace app {

/// What the literal scan found in one Python file.
struct Scan {
  bool relevant = false;  ///< can hold facts by itself (engines, sessions, Alembic, Flask config, URLs, apps)
  bool has_with = false;  ///< a `with` statement: it may enter another module's generator (PA207)
  bool has_yield = false; ///< it may define an undecorated generator that a `with` elsewhere enters
  /// A `with` and an undecorated generator whose name is written again (a call): PA207 may fire on
  /// the file alone. Analysed, but not a reason to follow its imports (PA207 reads only the
  /// generator's own module, resolve_sessions.cpp).
  bool local_generator = false;
  std::vector<std::string> imports;  ///< absolute names it imports: `from a.b import c` gives a.b and a.b.c
};

/// True when the text mentions anything the semantic layer extracts facts from: SQLAlchemy,
/// SQLModel, Alembic, Flask-SQLAlchemy keys, engine/session names (any case), database URLs,
/// web/task/serverless app frameworks.
bool relevant_text(std::string_view text);

/// `word` as a whole identifier (`with`, not `startswith`).
bool contains_word(std::string_view text, std::string_view word);

/// The modules the import statements of `text` name, made absolute against `module_name`
/// (`is_package`: the file is the package's __init__.py). A superset: docstring lines that look
/// like imports count too.
std::vector<std::string> imported_names(std::string_view text, std::string_view module_name, bool is_package);

/// The names of the functions `text` may define as generators without a decorator: a superset of
/// what PA207 reports on (py::FunctionInfo::is_generator with no decorator: at any depth for a
/// `with` in the same file, only outside any def or class, FileFacts::plain_generators, for one in
/// another module: `module_level`). Read from logical lines (strings, comments, brackets and
/// continuations skipped), so a `yield` counts for the innermost `def` whose indented body holds
/// it; a `def` right under a decorator line is left out.
std::vector<std::string> plain_generator_names(std::string_view text, bool module_level);

/// True when `text` writes at least `count` times `word` as a whole identifier.
bool contains_word(std::string_view text, std::string_view word, size_t count);

/// Everything the pre-filter wants to know about one Python file.
Scan scan_python(std::string_view text, std::string_view module_name, bool is_package);

/// True for Python files whose name alone makes them relevant (gunicorn configuration files).
bool relevant_path(std::string_view path);

/// The project's modules by dotted name, matched the way the resolver matches them: a name, each
/// of its parent packages, and modules whose name is a dotted suffix (src/ layouts).
class ModuleIndex {
 public:
  void add(const std::string& module_name, size_t file);
  /// Files an import of `name` may reach.
  std::vector<size_t> files_for(std::string_view name) const;

 private:
  /// Looked up by string_view (no key string built per lookup: files_for tries every suffix of
  /// every parent of every import, for every file).
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  std::unordered_map<std::string, std::vector<size_t>, NameHash, std::equal_to<>> by_name_;
};

}  // namespace app
