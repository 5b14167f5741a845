// Definitions: functions (their parameters, decorators and deferred bodies) and classes (their bodies
// and attributes).
#include "py/interpreter/interpreter.h"

#include <algorithm>

#include "core/text.h"

namespace py {

using namespace detail;

void Interpreter::exec_decorated(ts::Node s) {
  std::vector<Value> decorators;
  std::vector<std::string> texts;
  const uint32_t n = s.named_child_count();
  for (uint32_t i = 0; i < n; ++i) {
    ts::Node d = s.named_child(i);
    if (kind_of(d) != Kind::kDecorator || d.named_child_count() == 0) continue;
    ts::Node expr = d.named_child(0);
    texts.emplace_back(collapse_space(m_.text(expr)));
    ts::Node callee = kind_of(expr) == Kind::kCall ? field(expr, Field::kFunction) : expr;
    if (kind_of(expr) == Kind::kCall) eval(expr);
    Alts v = eval(callee);
    decorators.push_back(v.empty() ? Value::unknown() : *v[0].value);
  }
  ts::Node def = field(s, Field::kDefinition);
  if (kind_of(def) == Kind::kFunctionDefinition) {
    define_function(def, std::move(decorators), std::move(texts));
  } else if (kind_of(def) == Kind::kClassDefinition) {
    define_class(def);
  }
}

void Interpreter::define_function(ts::Node def, std::vector<Value> decorators,
                     std::vector<std::string> decorator_texts) {
  FunctionInfo f;
  f.name = std::string(m_.text(field(def, Field::kName)));
  f.node = def;
  f.where = m_.location(def);
  f.parent_function = scope_.function;
  if (scope_.class_index >= 0) f.class_name = m_.classes_[static_cast<size_t>(scope_.class_index)].name;
  std::string prefix;
  if (scope_.function >= 0) prefix = m_.functions_[static_cast<size_t>(scope_.function)].qualified_name + ".";
  if (!f.class_name.empty()) prefix += f.class_name + ".";
  f.qualified_name = prefix + f.name;
  f.is_async = def.child_count() > 0 && kind_of(def.child(0)) == Kind::kAsync;
  f.decorators = std::move(decorators);
  f.decorator_texts = std::move(decorator_texts);
  for (const std::string& text : f.decorator_texts) {
    // Read as an attribute: `settings.DATABASE_URI` gives what the body returns.
    const std::string_view last = core::last_component(text);
    if (last == "property" || last == "cached_property" || last == "computed_field") f.is_property = true;
  }
  ts::Node params = field(def, Field::kParameters);
  for (uint32_t i = 0; params && i < params.named_child_count(); ++i) {
    ts::Node p = params.named_child(i);
    ts::Node name;
    ValuePtr default_value;
    switch (kind_of(p)) {
      case Kind::kIdentifier: name = p; break;
      case Kind::kDefaultParameter:
      case Kind::kTypedDefaultParameter: {
        name = field(p, Field::kName);
        Alts d = eval(field(p, Field::kValue));  // defaults run at definition time (Depends(...))
        if (d.size() == 1 && d[0].tags.empty()) default_value = d[0].value;
        break;
      }
      case Kind::kTypedParameter:
      case Kind::kListSplatPattern:
      case Kind::kDictionarySplatPattern:
        for (uint32_t j = 0; j < p.named_child_count(); ++j) {
          ts::Node c = p.named_child(j);
          if (kind_of(c) == Kind::kIdentifier) { name = c; break; }
          if (kind_of(c) == Kind::kListSplatPattern || kind_of(c) == Kind::kDictionarySplatPattern) {
            if (c.named_child_count() > 0) name = c.named_child(0);
            break;
          }
        }
        break;
      default: break;
    }
    if (!name) continue;
    const Kind pk = kind_of(p);
    const bool typed_splat = pk == Kind::kTypedParameter && p.named_child_count() > 0 &&
                             kind_of(p.named_child(0)) != Kind::kIdentifier;
    const Kind splat = typed_splat ? kind_of(p.named_child(0)) : pk;
    if (splat == Kind::kDictionarySplatPattern) f.kwargs_parameter = std::string(m_.text(name));
    else if (splat == Kind::kListSplatPattern) f.args_parameter = std::string(m_.text(name));
    else {
      f.parameters.emplace_back(m_.text(name));
      f.defaults.push_back(std::move(default_value));
    }
  }
  const int index = static_cast<int>(m_.functions_.size());
  Value v;
  v.kind = ValueKind::kFunction;
  v.object_id = index;
  v.text = f.qualified_name;
  v.origin = f.where;
  m_.functions_.push_back(std::move(f));
  pending_.push_back(index);
  bind(m_.functions_.back().name, single(std::move(v)));
}

void Interpreter::define_class(ts::Node def) {
  ClassInfo c;
  c.name = std::string(m_.text(field(def, Field::kName)));
  c.where = m_.location(def);
  ts::Node bases = field(def, Field::kSuperclasses);
  for (uint32_t i = 0; bases && i < bases.named_child_count(); ++i) {
    Alts v = eval(bases.named_child(i));
    c.bases.push_back(v.empty() ? Value::unknown() : *v[0].value);
  }
  const int index = static_cast<int>(m_.classes_.size());
  m_.classes_.push_back(std::move(c));
  Env class_env;
  class_env.parent = env_;
  Env* saved_env = env_;
  auto saved_journal = std::move(journal_);
  journal_.clear();
  const Scope saved_scope = scope_;
  scope_.class_index = index;
  env_ = &class_env;
  exec_block(field(def, Field::kBody));
  env_ = saved_env;
  journal_ = std::move(saved_journal);
  scope_ = saved_scope;
  dead_ = false;
  for (const std::string& name : class_env.order) {
    m_.classes_[static_cast<size_t>(index)].attributes.emplace_back(name, class_env.names[name]);
  }
  Value v = Value::symbol(m_.name_.empty() ? m_.classes_[static_cast<size_t>(index)].name
                                           : m_.name_ + "." + m_.classes_[static_cast<size_t>(index)].name,
                          m_.location(def));
  v.object_id = index;
  bind(m_.classes_[static_cast<size_t>(index)].name, single(std::move(v)));
}

}  // namespace py
