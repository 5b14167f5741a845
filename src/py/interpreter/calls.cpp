// Calls: argument combinations per branch, the observer, project wrappers inlined once, and what a call
// gives when no observer knows the callee.
#include "py/interpreter/interpreter.h"
#include "py/children.h"

#include <algorithm>
#include <charconv>

#include "core/text.h"
#include "py/removal.h"

namespace py {

using namespace detail;

std::vector<ArgumentSet> Interpreter::eval_arguments(ts::Node list) {
  std::vector<ArgumentSet> sets(1);
  sets[0].tags = path_;
  if (!list) return sets;
  const Removals removals(m_.source(), list);
  size_t element = 0;  // index among the list's elements (comments not counted)
  for_each_named_child(list, [&](ts::Node c) {
    const Kind k = kind_of(c);
    if (k == Kind::kComment) return;
    const size_t index = element++;
    std::vector<ArgumentSet> next;
    if (k == Kind::kKeywordArgument) {
      std::string name(m_.text(field(c, Field::kName)));
      Alts values = eval(field(c, Field::kValue));
      const core::TextSpan removal = removals.span(index);
      for (const ArgumentSet& s : sets) {
        for (const Alt& v : values) {
          auto t = merge_tags(s.tags, v.tags);
          if (!t || next.size() >= kMaxAlts) continue;
          ArgumentSet copy = s;
          copy.tags = std::move(*t);
          copy.keywords.push_back(Argument{name, v.value, m_.location(c), {}, removal});
          next.push_back(std::move(copy));
        }
      }
    } else if (k == Kind::kDictionarySplat) {
      ts::Node inner = c.named_child_count() ? c.named_child(0) : ts::Node();
      Alts sources = eval(inner);
      const std::string via = "**" + collapse_space(m_.text(inner));
      for (const ArgumentSet& s : sets) {
        for (const Alt& src : sources) {
          auto t = merge_tags(s.tags, src.tags);
          if (!t || next.size() >= kMaxAlts) continue;
          ArgumentSet copy = s;
          copy.tags = std::move(*t);
          if (src.value->kind == ValueKind::kDict && src.value->dict) {
            for (const DictEntry& e : src.value->dict->entries) {
              copy.keywords.push_back(Argument{e.key, e.value, e.where, via, e.removal});
            }
            for (const ValuePtr& p : src.value->dict->pending) copy.keywords.push_back(Argument{"**", p, m_.location(c), via, {}});
            if (!src.value->dict->complete) copy.complete = false;
          } else if (src.value->kind == ValueKind::kSymbol) {
            // Another module's dict: expanded when the project is resolved.
            copy.keywords.push_back(Argument{"**", src.value, m_.location(c), via, {}});
          } else {
            copy.complete = false;
          }
          next.push_back(std::move(copy));
        }
      }
    } else if (k == Kind::kListSplat) {
      ts::Node inner = c.named_child_count() ? c.named_child(0) : ts::Node();
      Alts sources = eval(inner);
      for (const ArgumentSet& s : sets) {
        for (const Alt& src : sources) {
          auto t = merge_tags(s.tags, src.tags);
          if (!t || next.size() >= kMaxAlts) continue;
          ArgumentSet copy = s;
          copy.tags = std::move(*t);
          if (src.value->kind == ValueKind::kList) {
            for (const ValuePtr& item : src.value->items) {
              copy.positional.push_back(Argument{{}, item, m_.location(c), {}, {}});
            }
          } else {
            copy.complete = false;
          }
          next.push_back(std::move(copy));
        }
      }
    } else {
      Alts values = eval(c);
      for (const ArgumentSet& s : sets) {
        for (const Alt& v : values) {
          auto t = merge_tags(s.tags, v.tags);
          if (!t || next.size() >= kMaxAlts) continue;
          ArgumentSet copy = s;
          copy.tags = std::move(*t);
          copy.positional.push_back(Argument{{}, v.value, m_.location(c), {}, {}});
          next.push_back(std::move(copy));
        }
      }
    }
    if (!next.empty()) sets = std::move(next);
  });
  return sets;
}

Alts Interpreter::eval_call(ts::Node n) {
  const std::string_view assigned_to = assigned_to_;
  assigned_to_ = {};
  const bool awaited = awaited_;
  awaited_ = false;
  ts::Node callee_node = field(n, Field::kFunction);
  ts::Node receiver_node;
  std::string method;
  Alts receivers;
  Alts callees;
  if (kind_of(callee_node) == Kind::kAttribute) {
    receiver_node = field(callee_node, Field::kObject);
    method = std::string(m_.text(field(callee_node, Field::kAttribute)));
    receivers = eval(receiver_node);
    for (const Alt& r : receivers) {
      Value v = r.value->kind == ValueKind::kSymbol
                    ? Value::symbol(r.value->text + "." + method, m_.location(callee_node))
                    : Value::unknown(m_.location(callee_node), collapse_space(m_.text(callee_node)));
      callees.push_back(Alt{make(std::move(v)), r.tags});
    }
  } else {
    callees = eval(callee_node);
  }
  ts::Node arg_list = field(n, Field::kArguments);
  if (kind_of(arg_list) != Kind::kArgumentList) {
    eval(arg_list);  // a generator expression argument
    arg_list = ts::Node();
  }
  // Dict methods on a name mutate what the name holds.
  if (!method.empty() && kind_of(receiver_node) == Kind::kIdentifier && !receivers.empty() &&
      receivers[0].value->kind == ValueKind::kDict) {
    if (auto result = dict_method(std::string(m_.text(receiver_node)), method, arg_list, n)) {
      return *result;
    }
  }
  std::vector<ArgumentSet> sets = eval_arguments(arg_list);
  Alts out;
  for (size_t ci = 0; ci < callees.size(); ++ci) {
    Alt callee = callees[ci];
    if (callee.value->kind == ValueKind::kObject && callee.value->text == "functools.partial" &&
        !callee.value->items.empty()) {
      // partial(create_engine, poolclass=NullPool)(url, pool_size=5): the bound arguments come first.
      const Value& bound = *callee.value;
      for (ArgumentSet& s : sets) {
        ArgumentSet merged;
        merged.tags = s.tags;
        merged.complete = s.complete && bound.boolean;
        for (size_t i = 1; i < bound.items.size(); ++i) merged.positional.push_back(Argument{{}, bound.items[i], bound.origin, {}, {}});
        for (Argument& a : s.positional) merged.positional.push_back(std::move(a));
        if (bound.dict) {
          for (const DictEntry& e : bound.dict->entries) merged.keywords.push_back(Argument{e.key, e.value, e.where, {}, {}});
        }
        for (Argument& a : s.keywords) merged.keywords.push_back(std::move(a));
        s = std::move(merged);
      }
      callee = Alt{bound.items[0], callee.tags};
    }
    const Value* receiver = ci < receivers.size() ? receivers[ci].value.get() : nullptr;
    if (auto tags = merge_tags(path_, callee.tags)) m_.calls_.push_back(CallFact{scope_, std::move(*tags), callee.value, method, n});
    if (callee.value->is_symbol("os.getenv") || callee.value->is_symbol("os.environ.get")) {
      // An environment value is unknown; its default is what runs when the variable is unset.
      for (const ArgumentSet& s : sets) {
        const Argument* name = s.get("key", 0);
        const Argument* fallback = s.get("default", 1);
        if (fallback) {
          Value v = *fallback->value;
          v.overridable = true;
          out.push_back(Alt{make(std::move(v)), s.tags});
        } else {
          std::string what = "environment variable";
          if (name && name->value->kind == ValueKind::kString) what += " " + name->value->text;
          out.push_back(Alt{make(Value::unknown(m_.location(n), what)), s.tags});
        }
      }
      continue;
    }
    if (callee.value->is_symbol("builtins.dict")) {
      for (const ArgumentSet& s : sets) out.push_back(Alt{make(dict_from_call(s, n)), s.tags});
      continue;
    }
    for (const ArgumentSet& s : sets) {
      auto tags = merge_tags(s.tags, callee.tags);
      if (!tags) continue;
      std::optional<Value> result;
      if (observer_) {
        CallSite site{m_, n, callee_node, *callee.value, receiver, method, s, scope_, assigned_to, awaited,
                      wrapper_call_};
        result = observer_->on_call(site);
      }
      if (!result && callee.value->kind == ValueKind::kFunction) result = inline_wrapper(*callee.value, s, n);
      if (!result) result = call_result(*callee.value, s, n, callee_node);
      out.push_back(Alt{make(std::move(*result)), std::move(*tags)});
    }
  }
  dedupe(out);
  return out;
}

std::optional<Value> Interpreter::inline_wrapper(const Value& callee, const ArgumentSet& call_args, ts::Node call) {
  if (wrapper_call_ || callee.object_id < 0) return std::nullopt;
  const auto index = static_cast<size_t>(callee.object_id);
  if (index >= m_.functions_.size()) return std::nullopt;
  const FunctionInfo& f = m_.functions_[index];
  if (f.is_generator || !f.class_name.empty()) return std::nullopt;
  // A parameter the call leaves out holds its default (`def get_engine(settings,
  // prefix="sqlalchemy.")` called as `get_engine(settings)`): that is known at this call only.
  // `**x` of another module's dict stays pending (complete, yet it may pass the parameter).
  const bool all_known = call_args.complete && std::none_of(call_args.keywords.begin(), call_args.keywords.end(),
                                                            [](const Argument& k) { return k.name == "**"; });
  bool omits_default = false;
  for (size_t i = 0; i < f.parameters.size() && i < f.defaults.size(); ++i) {
    if (f.defaults[i] && !call_args.get(f.parameters[i], i)) omits_default = true;
  }
  if (f.kwargs_parameter.empty() && (!omits_default || !all_known)) return std::nullopt;
  const std::string_view body_text = m_.text(f.node);
  if (body_text.find("engine") == std::string_view::npos) return std::nullopt;  // cheap relevance test
  Env local;
  for (const Env* e = env_; e; e = e->parent) {
    if (!e->parent) local.parent = e;  // the module scope: wrappers are module-level functions
  }
  auto bind_local = [&](const std::string& name, Alts alts) {
    local.names[name] = std::move(alts);
    local.order.push_back(name);
  };
  for (size_t i = 0; i < f.parameters.size(); ++i) {
    const Argument* a = call_args.get(f.parameters[i], i);
    const ValuePtr fallback = i < f.defaults.size() && all_known ? f.defaults[i] : nullptr;
    bind_local(f.parameters[i], single(a ? *a->value : fallback ? *fallback : Value::unknown(f.where, "parameter " + f.parameters[i])));
  }
  if (!f.kwargs_parameter.empty()) {
    auto extra = std::make_shared<DictValue>();
    extra->complete = call_args.complete;
    for (const Argument& k : call_args.keywords) {
      if (std::find(f.parameters.begin(), f.parameters.end(), k.name) != f.parameters.end()) continue;
      if (k.name == "**") merge_into(*extra, *k.value);
      else set_entry(*extra, k.name, k.value, k.where, k.removal);
    }
    bind_local(f.kwargs_parameter, single(dict_value(std::move(extra), m_.location(call))));
  }
  if (!f.args_parameter.empty()) bind_local(f.args_parameter, single(Value::unknown(f.where, "parameter " + f.args_parameter)));
  // Run the body as run_function does, remembering the outer call for the observer.
  Env* saved_env = env_;
  auto saved_journal = std::move(journal_);
  journal_.clear();
  Tags saved_path = path_;
  const bool saved_dead = dead_;
  const Scope saved_scope = scope_;
  const size_t saved_pending = pending_.size();
  Alts saved_returns = std::move(m_.functions_[index].returns);
  m_.functions_[index].returns.clear();
  dead_ = false;
  scope_ = Scope{static_cast<int>(index), -1, 0};
  env_ = &local;
  wrapper_call_ = call;
  exec_block(field(f.node, Field::kBody));
  wrapper_call_ = ts::Node();
  env_ = saved_env;
  journal_ = std::move(saved_journal);
  path_ = std::move(saved_path);
  dead_ = saved_dead;
  scope_ = saved_scope;
  pending_.resize(saved_pending);
  Alts returns = std::move(m_.functions_[index].returns);
  m_.functions_[index].returns = std::move(saved_returns);
  if (returns.size() == 1) return *returns[0].value;
  return std::nullopt;
}

Value Interpreter::call_result(const Value& callee, const ArgumentSet& s, ts::Node n, ts::Node callee_node) {
  const core::Location where = m_.location(n);
  if (callee.kind == ValueKind::kSymbol && callee.text == "functools.partial" && s.at(0)) {
    Value v;
    v.kind = ValueKind::kObject;
    v.text = "functools.partial";
    v.origin = where;
    v.boolean = s.complete;  // the bound arguments are all known
    for (const Argument& a : s.positional) v.items.push_back(a.value);
    auto bound = std::make_shared<DictValue>();
    for (const Argument& k : s.keywords) {
      if (k.name == "**") v.boolean = false;
      else bound->entries.push_back(DictEntry{k.name, k.value, k.where, {}});
    }
    v.dict = std::move(bound);
    return v;
  }
  if (callee.kind == ValueKind::kFunction && !m_.name_.empty()) {
    // A function of this module: its result is looked up in the module's exports ("f()").
    return Value::symbol(m_.name_ + "." + callee.text + "()", where);
  }
  if (callee.kind != ValueKind::kSymbol) {
    return Value::unknown(where, "call of " + collapse_space(m_.text(callee_node)));
  }
  const std::string& name = callee.text;
  const std::string_view last = core::last_component(name);
  // Field defaults of settings classes: pydantic Field(default=...), dataclasses.field(default=...).
  if ((last == "Field" && (name.rfind("pydantic", 0) == 0 || name.rfind("sqlmodel", 0) == 0)) ||
      name == "dataclasses.field") {
    const Argument* d = s.find("default");
    if (!d && last == "Field") d = s.at(0);
    if (d && d->value->kind != ValueKind::kUnknown && !(d->value->kind == ValueKind::kSymbol && d->value->text == "builtins.Ellipsis")) {
      return *d->value;
    }
    return Value::unknown(where, "field without a default");
  }
  if (name == "builtins.int" || name == "builtins.str" || name == "builtins.bool") {
    const Argument* a = s.at(0);
    if (a && s.positional.size() == 1 && s.keywords.empty()) {
      const Value& v = *a->value;
      if (name == "builtins.int" && v.kind == ValueKind::kInt) return v;
      if (name == "builtins.int" && v.kind == ValueKind::kString && !v.partial) {
        int64_t out = 0;
        auto [p, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), out);
        if (ec == std::errc() && p == v.text.data() + v.text.size()) return Value::of_int(out, v.origin);
      }
      if (name == "builtins.str" && v.kind == ValueKind::kString) return v;
      if (name == "builtins.str" && v.kind == ValueKind::kSymbol && v.text.rfind('@', 0) != 0) {
        // `str(settings.DATABASE_URL)`: a pydantic Dsn or URL field converted for create_engine().
        Value named = v;
        named.as_string = true;
        return named;
      }
      if (name == "builtins.bool" && v.kind == ValueKind::kBool) return v;
    }
    return Value::unknown(where, "call of " + name);
  }
  if (name.rfind("builtins.", 0) == 0) return Value::unknown(where, "call of " + name);
  // A call of an imported or project name: resolved later against the project's modules.
  return Value::symbol(name + "()", where);
}

Value Interpreter::dict_from_call(const ArgumentSet& s, ts::Node n) {
  auto dict = std::make_shared<DictValue>();
  if (!s.complete) dict->complete = false;
  if (const Argument* first = s.at(0)) merge_into(*dict, *first->value);
  if (s.positional.size() > 1) dict->complete = false;
  for (const Argument& k : s.keywords) {
    if (k.name == "**") merge_into(*dict, *k.value);
    else set_entry(*dict, k.name, k.value, k.where, k.removal);
  }
  return dict_value(std::move(dict), m_.location(n));
}

}  // namespace py
