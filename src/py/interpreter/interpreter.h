#pragma once
// The interpreter behind py::Module::analyze: one pass over a module's statements that binds names to
// the alternative values they can hold per branch, defers function bodies until their scope is done,
// and reports every evaluated call to the observer. Its parts live beside this file, one concern each:
// scopes.cpp, statements.cpp, control_flow.cpp, definitions.cpp, imports.cpp, assignment.cpp,
// expressions.cpp, calls.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "py/grammar.h"
#include "py/interpreter/support.h"
#include "py/module.h"

namespace py {

class Interpreter {
 public:
  Interpreter(Module& module, CallObserver* observer, bool is_package)
      : m_(module), observer_(observer), is_package_(is_package) {}

  void run(ts::Node root);

 private:
  struct Env {
    std::unordered_map<std::string, Alts> names;
    std::vector<std::string> order;
    const Env* parent = nullptr;
  };
  struct JournalFrame {
    std::vector<std::pair<std::string, std::optional<Alts>>> saved;
    std::unordered_set<std::string> seen;
  };
  struct Branch {
    ts::Node body;
    Tags tags;
  };

  // ---- scopes and bindings ----

  const Alts* lookup(const std::string& name) const;

  void bind(const std::string& name, Alts alts);

  void run_pending(Env& parent);

  void run_function(int index, Env& parent);

  // ---- conditions ----

  /// Interns a condition by its normalised text, so `if IS_LAMBDA:` twice is one condition.
  CondTag condition_tag(ts::Node cond, const std::string& key_suffix = {});

  /// A condition whose value is fixed in source: `if False:`, `if TYPE_CHECKING:`.
  std::optional<bool> constant_condition(ts::Node cond);

  // ---- statements ----

  void exec_block(ts::Node block);

  void exec_statement(ts::Node s);

  void exec_else_of(ts::Node s);

  void exec_unknown_compound(ts::Node s);

  void exec_if(ts::Node s);

  void exec_try(ts::Node s);

  /// Runs alternative blocks from the same state and merges what each assigned.
  void exec_branches(const std::vector<Branch>& branches, bool /*exhaustive*/);

  void exec_with(ts::Node s);

  void exec_decorated(ts::Node s);

  void define_function(ts::Node def, std::vector<Value> decorators,
                       std::vector<std::string> decorator_texts = {});

  void define_class(ts::Node def);

  void exec_import(ts::Node s);

  std::string resolve_relative(ts::Node rel);

  void exec_import_from(ts::Node s);

  void exec_assignment(ts::Node s);

  void assign(ts::Node target, const Alts& values, ts::Node statement);

  void bind_target_unknown(ts::Node target);

  void exec_augmented(ts::Node s);

  void exec_delete(ts::Node s);

  // ---- dict helpers ----

  static Value dict_value(std::shared_ptr<const DictValue> dict, core::Location origin);

  /// `removal`: the bytes that delete the entry where it was written (py/removal.h), if any.
  static void set_entry(DictValue& d, const std::string& key, ValuePtr value, core::Location where,
                        core::TextSpan removal = {});

  static void remove_entry(DictValue& d, std::string_view key);

  /// Adds the entries of `source` (a dict value) to `d`; unknown sources make `d` incomplete.
  static void merge_into(DictValue& d, const Value& source);

  template <typename F>
  void mutate_dict(const std::string& name, F&& mutate) {
    const Alts* dicts = lookup(name);
    if (!dicts) return;
    Alts out;
    for (const Alt& a : *dicts) {
      if (a.value->kind != ValueKind::kDict) {
        out.push_back(a);
        continue;
      }
      auto dict = std::make_shared<DictValue>(*a.value->dict);
      mutate(*dict, a.tags);
      out.push_back(Alt{detail::make(dict_value(std::move(dict), a.value->origin)), a.tags});
    }
    bind(name, std::move(out));
  }

  // ---- expressions ----

  void eval_children(ts::Node n);

  Alts eval(ts::Node n);

  Alts eval_inner(ts::Node n);

  /// `object.attr`: a qualified symbol when the object is one.
  Alts eval_attribute(ts::Node n, const core::Location& where);
  /// `"a" "b"`: one string.
  Alts eval_concatenated_string(ts::Node n, const core::Location& where);
  /// Decimal, hex, octal and binary literals with `_` separators.
  Alts eval_integer(ts::Node n, const core::Location& where);
  /// Float literals (complex ones are Unknown).
  Alts eval_float(ts::Node n, const core::Location& where);
  /// Lists, tuples, sets: exact only when every item has one value.
  Alts eval_sequence(ts::Node n, const core::Location& where);
  /// `(x)`, ignoring comments inside the parentheses.
  Alts eval_parenthesized(ts::Node n, const core::Location& where);
  /// `a if cond else b`: both sides, each under its condition.
  Alts eval_conditional(ts::Node n);
  /// `a or b`, `a and b` by the truthiness of each alternative of `a`.
  Alts eval_boolean_operator(ts::Node n, const core::Location& where);
  /// `not x`.
  Alts eval_not(ts::Node n, const core::Location& where);
  /// `-x`, `+x`.
  Alts eval_unary(ts::Node n, const core::Location& where);
  /// `a + b` and the like, per pair of alternatives.
  Alts eval_binary_operator(ts::Node n, const core::Location& where);
  /// `d["key"]`, `os.environ["NAME"]`.
  Alts eval_subscript(ts::Node n, const core::Location& where);

  Value unbound(const std::string& name, const core::Location& where);

  Value string_value(ts::Node n);

  void append_content(ts::Node content, bool raw, std::string& out);

  static Value binary(std::string_view op, const Value& a, const Value& b, const core::Location& where);

  Alts eval_dict(ts::Node n);

  /// Argument combinations of a call, one per consistent choice of alternatives.
  std::vector<ArgumentSet> eval_arguments(ts::Node list);

  Alts eval_call(ts::Node n);

  /// A project function that forwards `**kwargs` to an engine factory counts as a factory at its
  /// call sites (one level): its body runs again with the call's arguments bound.
  std::optional<Value> inline_wrapper(const Value& callee, const ArgumentSet& call_args, ts::Node call);

  /// What a call gives when no observer knows the callee.
  Value call_result(const Value& callee, const ArgumentSet& s, ts::Node n, ts::Node callee_node);

  Value dict_from_call(const ArgumentSet& s, ts::Node n);

  std::optional<Alts> dict_method(const std::string& name, const std::string& method, ts::Node arg_list,
                                  ts::Node call);

  Module& m_;
  CallObserver* observer_;
  bool is_package_;
  Env* env_ = nullptr;
  std::vector<JournalFrame> journal_;
  Tags path_;
  bool dead_ = false;
  Scope scope_;
  std::unordered_map<std::string, uint32_t> condition_ids_;
  std::string_view assigned_to_;
  bool awaited_ = false;
  int expr_depth_ = 0;
  int stmt_depth_ = 0;
  std::vector<int> pending_;
  std::vector<std::string> star_modules_;
  ts::Node wrapper_call_;  // the call site of a wrapper being analysed (inline_wrapper)
};

}  // namespace py
