#pragma once
// One pass of abstract interpretation over a Python module: imports, bindings and values per
// branch, functions and classes. Calls are reported to an observer (the sqla layer) with their
// arguments resolved once per reaching branch combination.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/source_file.h"
#include "py/value.h"
#include "ts/tree.h"

namespace py {

/// A branch condition: `if settings.is_lambda:`, a conditional expression, an `except` clause.
struct Condition {
  core::Location where;
  std::string text;  ///< the condition's source text, normalised (`not` stripped into `taken`)
};

/// Which way a condition went on one path.
struct CondTag {
  uint32_t id = 0;
  bool taken = true;
  friend bool operator==(const CondTag&, const CondTag&) = default;
};
using Tags = std::vector<CondTag>;  // sorted by id

/// A value on the paths described by its tags.
struct Alt {
  ValuePtr value;
  Tags tags;
};
using Alts = std::vector<Alt>;

/// One argument after `*`/`**` expansion, with where it was written.
struct Argument {
  std::string name;          ///< keyword name ("" for positional)
  ValuePtr value;
  core::Location where;      ///< the keyword argument, or the dict entry it came from
  std::string via;           ///< "**opts" when it came through a dict splat
  /// The bytes that delete it where it was written (py/removal.h): a keyword of the call's argument
  /// list, or, with `via`, the dict entry it came from. Invalid when no deletion removes it (a
  /// positional argument, `d[k] = v`, a `functools.partial` binding). In `where.path`'s file.
  core::TextSpan removal;
};

/// The arguments of one call on one combination of branches.
struct ArgumentSet {
  std::vector<Argument> positional;
  std::vector<Argument> keywords;
  bool complete = true;  ///< false when an unresolved `*x` / `**x` may add arguments
  Tags tags;             ///< the branch conditions of this combination (path and values)
  const Argument* find(std::string_view name) const;
  const Argument* at(size_t index) const {
    return index < positional.size() ? &positional[index] : nullptr;
  }
  /// The keyword `name`, else the positional argument at `index`.
  const Argument* get(std::string_view name, size_t index) const;
};

struct FunctionInfo {
  std::string name;
  std::string qualified_name;   ///< "Class.method", "outer.inner"
  core::Location where;         ///< the `def` line
  ts::Node node;                ///< the function_definition
  bool is_async = false;
  bool is_generator = false;
  int parent_function = -1;     ///< enclosing function index, -1 at module/class level
  std::string class_name;       ///< the enclosing class, when a method
  std::vector<Value> decorators;           ///< resolved decorator expressions (a call: its callee)
  std::vector<std::string> decorator_texts;
  std::vector<std::string> parameters;   ///< named parameters in order (not *args / **kwargs)
  /// Each parameter's default as evaluated at the `def` (null: none, or several values).
  std::vector<ValuePtr> defaults;
  std::string args_parameter;           ///< the `*args` name, if any
  std::string kwargs_parameter;         ///< the `**kwargs` name, if any
  Alts returns;                 ///< values of `return` statements
  /// The end of the body is reachable: the call may return None without a `return`.
  bool falls_through = false;
  /// `@property`, `@cached_property`, pydantic `@computed_field`: read as an attribute.
  bool is_property = false;
};

struct ClassInfo {
  std::string name;
  core::Location where;
  std::vector<Value> bases;
  std::vector<std::pair<std::string, Alts>> attributes;  ///< class-body bindings in order
};

/// Where a call is being evaluated.
struct Scope {
  int function = -1;         ///< index into Module::functions(), -1 = module level
  int class_index = -1;      ///< inside a class body
  int loop_depth = 0;        ///< inside `for` / `while` bodies of this scope
};

class Module;

/// Who calls what: one evaluated call per callee alternative, kept with the module so questions
/// about the call graph (what a `__main__` block runs) read resolved callees, not source text.
struct CallFact {
  Scope scope;         ///< where the call is (module level: function < 0 and class_index < 0)
  Tags tags;           ///< the path's branch conditions
  ValuePtr callee;     ///< Function for this module's functions, Symbol through imports
  std::string method;  ///< for `x.method(...)`: "method" (the callee may be Unknown)
  ts::Node node;       ///< the call
};

/// One call evaluated on one branch combination.
struct CallSite {
  const Module& module;
  ts::Node node;
  ts::Node callee_node;
  const Value& callee;       ///< resolved callee (Symbol for imports, Function for project code)
  const Value* receiver;     ///< for `x.method(...)`: the value of `x`
  std::string_view method;   ///< for `x.method(...)`: "method"
  const ArgumentSet& args;
  const Scope& scope;
  std::string_view assigned_to;  ///< `name = call(...)`: the target's source text
  bool awaited = false;
  /// When the call runs inside a project wrapper analysed at its call site
  /// (`make_engine(url, **kw)` called as `make_engine(URL, pool_size=5)`): that outer call.
  ts::Node wrapper_call;
};

/// Receives every call the interpreter evaluates; may give the call's result.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  virtual std::optional<Value> on_call(const CallSite& call) = 0;
  /// `obj[key] = value` where `obj` is not a local dict (`app.config["X"] = ...`), once per
  /// value alternative; `tags` are the path's and the value's conditions.
  virtual void on_item_store(const Module& /*module*/, ts::Node /*statement*/, std::string_view /*object*/,
                             const Value& /*key*/, const ValuePtr& /*value*/, const Tags& /*tags*/) {}
};

/// The analysed module. Owns nothing of the tree: node handles stay valid while the tree lives.
class Module {
 public:
  /// `module_name` is the dotted name ("app.db"); `is_package` for `__init__.py`.
  static std::unique_ptr<Module> analyze(const core::SourceFile& source, ts::Node root,
                                         std::string module_name, bool is_package,
                                         CallObserver* observer);
  ~Module();
  const core::SourceFile& source() const { return source_; }
  const std::string& name() const { return name_; }
  const std::vector<FunctionInfo>& functions() const { return functions_; }
  const std::vector<ClassInfo>& classes() const { return classes_; }
  /// Every call evaluated, in evaluation order (a function body run again for a wrapper's call
  /// site repeats its calls).
  const std::vector<CallFact>& calls() const { return calls_; }
  const Condition& condition(uint32_t id) const { return conditions_[id]; }
  /// Module-level bindings at the end of the module (in first-binding order).
  const std::vector<std::pair<std::string, Alts>>& globals() const { return globals_; }
  const Alts* global(std::string_view name) const;
  /// The last module-level definition named `qualified` ("f", "C.m": parent_function < 0), or
  /// nullptr. Indexed: rules ask per call and per parameter, and a scan of every function per
  /// question made large modules quadratic.
  const FunctionInfo* top_level_function(std::string_view qualified) const;
  /// The index in functions() of the first function whose node is `definition`, or -1.
  int function_index(ts::Node definition) const;
  /// Text of a node.
  std::string_view text(ts::Node node) const { return node.text(source_.text()); }
  core::Location location(ts::Node node) const {
    return source_.location(node.start_byte(), node.end_byte());
  }
  /// Human description of tags: "`settings.is_lambda` is true (line 4)".
  std::string describe(const Tags& tags) const;

 private:
  friend class Interpreter;
  explicit Module(const core::SourceFile& source) : source_(source) {}
  const core::SourceFile& source_;
  std::string name_;
  std::vector<FunctionInfo> functions_;
  std::vector<ClassInfo> classes_;
  std::vector<CallFact> calls_;
  std::vector<Condition> conditions_;
  std::vector<std::pair<std::string, Alts>> globals_;
  // Lookups over the vectors above, built once they are final (after the interpreter ran).
  void build_indexes();
  std::unordered_map<std::string_view, size_t> global_index_;      ///< first binding of a name
  std::unordered_map<std::string_view, size_t> top_level_index_;   ///< last definition
  std::unordered_map<uint32_t, size_t> function_by_start_;         ///< first function at a byte
};

/// Union of two tag sets; nullopt when they contradict (same condition, opposite ways).
std::optional<Tags> merge_tags(const Tags& a, const Tags& b);

}  // namespace py
