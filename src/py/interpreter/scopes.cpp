// Scopes and bindings (the journal that undoes a branch's assignments), deferred function bodies, and
// the conditions branches are tagged with.
#include "py/interpreter/interpreter.h"

#include <algorithm>

#include "core/text.h"

namespace py {

using namespace detail;

void Interpreter::run(ts::Node root) {
  Env module_env;
  env_ = &module_env;
  exec_block(root);
  for (const std::string& name : module_env.order) {
    m_.globals_.emplace_back(name, module_env.names[name]);
  }
  run_pending(module_env);
}

const Alts* Interpreter::lookup(const std::string& name) const {
  for (const Env* e = env_; e != nullptr; e = e->parent) {
    auto it = e->names.find(name);
    if (it != e->names.end()) return &it->second;
  }
  return nullptr;
}

void Interpreter::bind(const std::string& name, Alts alts) {
  if (!journal_.empty()) {
    JournalFrame& frame = journal_.back();
    if (frame.seen.insert(name).second) {
      auto it = env_->names.find(name);
      frame.saved.emplace_back(name, it == env_->names.end() ? std::nullopt
                                                             : std::optional<Alts>(it->second));
    }
  }
  dedupe(alts);
  auto [it, inserted] = env_->names.try_emplace(name);
  if (inserted) env_->order.push_back(name);
  it->second = std::move(alts);
}

void Interpreter::run_pending(Env& parent) {
  // Function bodies run after their defining scope, seeing its final bindings (closures and
  // module globals are read when the function is called, not when it is defined).
  std::vector<int> pending = std::move(pending_);
  pending_.clear();
  for (int index : pending) run_function(index, parent);
}

void Interpreter::run_function(int index, Env& parent) {
  const ts::Node node = m_.functions_[static_cast<size_t>(index)].node;
  Env local;
  local.parent = &parent;
  const FunctionInfo& info = m_.functions_[static_cast<size_t>(index)];
  std::vector<std::string> all = info.parameters;
  if (!info.args_parameter.empty()) all.push_back(info.args_parameter);
  if (!info.kwargs_parameter.empty()) all.push_back(info.kwargs_parameter);
  for (const std::string& p : all) {
    // A parameter is a name the caller binds: "@param.url" until a call site is known.
    local.names[p] = single(Value::symbol("@param." + p, m_.location(node)));
    local.order.push_back(p);
  }
  if (info.is_property && !info.class_name.empty() && info.parent_function < 0 && !info.parameters.empty()) {
    // A property reads its own instance's fields (`self.POSTGRES_HOST`): the class's attributes,
    // resolved like `Settings().POSTGRES_HOST` (for pydantic settings, the field default).
    const std::string cls = m_.name_.empty() ? info.class_name : m_.name_ + "." + info.class_name;
    local.names[info.parameters[0]] = single(Value::symbol(cls + "()", m_.location(node)));
  }
  Env* saved_env = env_;
  auto saved_journal = std::move(journal_);
  journal_.clear();
  Tags saved_path = std::move(path_);
  path_.clear();
  const bool saved_dead = dead_;
  dead_ = false;
  const Scope saved_scope = scope_;
  scope_ = Scope{index, -1, 0};
  env_ = &local;
  exec_block(field(node, Field::kBody));
  m_.functions_[static_cast<size_t>(index)].falls_through = !dead_;
  env_ = saved_env;
  journal_ = std::move(saved_journal);
  path_ = std::move(saved_path);
  dead_ = saved_dead;
  scope_ = saved_scope;
  run_pending(local);
}

CondTag Interpreter::condition_tag(ts::Node cond, const std::string& key_suffix) {
  bool taken = true;
  ts::Node n = cond;
  while (n) {
    const Kind k = kind_of(n);
    if (k == Kind::kParenthesizedExpression && n.named_child_count() == 1) {
      n = n.named_child(0);
    } else if (k == Kind::kNotOperator) {
      taken = !taken;
      n = field(n, Field::kArgument);
    } else {
      break;
    }
  }
  if (!n) n = cond;
  std::string text = collapse_space(m_.text(n));
  const std::string key = text + key_suffix;
  auto it = condition_ids_.find(key);
  uint32_t id;
  if (it == condition_ids_.end()) {
    id = static_cast<uint32_t>(m_.conditions_.size());
    m_.conditions_.push_back(Condition{m_.location(cond), std::move(text)});
    condition_ids_.emplace(key, id);
  } else {
    id = it->second;
  }
  return CondTag{id, taken};
}

std::optional<bool> Interpreter::constant_condition(ts::Node cond) {
  const Kind k = kind_of(cond);
  if (k == Kind::kTrue) return true;
  if (k == Kind::kFalse || k == Kind::kNone) return false;
  if (k == Kind::kInteger) return m_.text(cond) != "0";
  if (k == Kind::kIdentifier || k == Kind::kAttribute) {
    const Alts alts = eval(cond);
    if (alts.size() == 1 && alts[0].value->kind == ValueKind::kSymbol &&
        alts[0].value->text == "typing.TYPE_CHECKING") {
      return false;
    }
  }
  return std::nullopt;
}

}  // namespace py
