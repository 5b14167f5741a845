// Control flow: if/elif/else, try/except/else/finally and with blocks, as alternative branches whose
// assignments merge.
#include "py/interpreter/interpreter.h"

#include <algorithm>

#include "core/text.h"

namespace py {

using namespace detail;

void Interpreter::exec_if(ts::Node s) {
  std::vector<Branch> branches;
  Tags previous;  // conditions before this branch, all false
  bool exhaustive = false;
  auto add_condition = [&](ts::Node cond, ts::Node body) {
    if (exhaustive) return;
    std::optional<bool> constant = constant_condition(cond);
    if (!constant) eval(cond);
    if (constant) {
      if (*constant) {
        branches.push_back(Branch{body, previous});
        exhaustive = true;  // later branches are unreachable
      }
      return;
    }
    CondTag tag = condition_tag(cond);
    auto with = merge_tags(previous, Tags{tag});
    if (with) branches.push_back(Branch{body, *with});
    CondTag negated{tag.id, !tag.taken};
    auto next = merge_tags(previous, Tags{negated});
    if (!next) {
      exhaustive = true;
      return;
    }
    previous = *next;
  };
  add_condition(field(s, Field::kCondition), field(s, Field::kConsequence));
  const uint32_t n = s.named_child_count();
  for (uint32_t i = 0; i < n; ++i) {
    ts::Node c = s.named_child(i);
    const Kind k = kind_of(c);
    if (k == Kind::kElifClause) {
      add_condition(field(c, Field::kCondition), field(c, Field::kConsequence));
    } else if (k == Kind::kElseClause && !exhaustive) {
      branches.push_back(Branch{field(c, Field::kBody), previous});
      exhaustive = true;
    }
  }
  if (!exhaustive) branches.push_back(Branch{ts::Node(), previous});  // no branch taken
  exec_branches(branches, true);
}

void Interpreter::exec_try(ts::Node s) {
  exec_block(field(s, Field::kBody));
  std::vector<Branch> branches;
  ts::Node else_body;
  ts::Node finally_body;
  Tags previous;
  std::vector<std::pair<ts::Node, CondTag>> handlers;
  const uint32_t n = s.named_child_count();
  for (uint32_t i = 0; i < n; ++i) {
    ts::Node c = s.named_child(i);
    switch (kind_of(c)) {
      case Kind::kExceptClause: {
        ts::Node body;
        for (uint32_t j = 0; j < c.named_child_count(); ++j) {
          if (kind_of(c.named_child(j)) == Kind::kBlock) body = c.named_child(j);
        }
        std::string_view head = m_.text(c);
        head = head.substr(0, head.find(':'));
        CondTag tag = condition_tag(c, "@" + std::to_string(c.start_byte()));
        m_.conditions_[tag.id].text = collapse_space(head);
        handlers.emplace_back(body, tag);
        break;
      }
      case Kind::kElseClause: else_body = field(c, Field::kBody); break;
      case Kind::kFinallyClause:
        for (uint32_t j = 0; j < c.named_child_count(); ++j) {
          if (kind_of(c.named_child(j)) == Kind::kBlock) finally_body = c.named_child(j);
        }
        break;
      default: break;
    }
  }
  if (!handlers.empty()) {
    for (auto& [body, tag] : handlers) {
      auto with = merge_tags(previous, Tags{tag});
      if (with) branches.push_back(Branch{body, *with});
      previous = *merge_tags(previous, Tags{CondTag{tag.id, false}});
    }
    branches.push_back(Branch{else_body, previous});
    exec_branches(branches, true);
  } else if (else_body) {
    exec_block(else_body);
  }
  if (finally_body) {
    const bool was_dead = dead_;
    dead_ = false;
    exec_block(finally_body);
    dead_ = dead_ || was_dead;
  }
}

void Interpreter::exec_branches(const std::vector<Branch>& branches, bool /*exhaustive*/) {
  struct Result {
    bool alive = false;
    Tags tags;
    std::unordered_map<std::string, std::optional<Alts>> values;
  };
  std::vector<Result> results;
  std::vector<std::string> names;  // assigned names, first-seen order
  std::unordered_set<std::string> name_set;
  for (const Branch& branch : branches) {
    auto path = merge_tags(path_, branch.tags);
    if (!path) continue;  // contradicts the enclosing path: unreachable
    Result r;
    r.tags = branch.tags;
    journal_.emplace_back();
    Tags saved_path = std::move(path_);
    path_ = std::move(*path);
    dead_ = false;
    exec_block(branch.body);
    r.alive = !dead_;
    JournalFrame frame = std::move(journal_.back());
    journal_.pop_back();
    for (auto& [name, old] : frame.saved) {
      auto it = env_->names.find(name);
      if (r.alive) {
        r.values[name] = it == env_->names.end() ? std::nullopt : std::optional<Alts>(it->second);
        if (name_set.insert(name).second) names.push_back(name);
      }
      if (old) {
        env_->names[name] = std::move(*old);
      } else if (it != env_->names.end()) {
        env_->names.erase(it);
        env_->order.erase(std::remove(env_->order.begin(), env_->order.end(), name),
                          env_->order.end());
      }
    }
    path_ = std::move(saved_path);
    if (r.alive) results.push_back(std::move(r));
  }
  dead_ = results.empty();
  if (dead_) return;
  for (const std::string& name : names) {
    Alts merged;
    for (const Result& r : results) {
      Alts values;
      auto it = r.values.find(name);
      if (it != r.values.end() && it->second) {
        values = *it->second;
      } else if (const Alts* before = lookup(name)) {
        values = *before;
      } else {
        values = single(Value::unknown({}, "unbound " + name));
      }
      for (Alt& a : values) {
        if (results.size() == 1) {
          merged.push_back(std::move(a));  // the only live path: its condition is implied
        } else if (auto t = merge_tags(a.tags, r.tags)) {
          merged.push_back(Alt{std::move(a.value), std::move(*t)});
        }
      }
    }
    bind(name, std::move(merged));
  }
}

void Interpreter::exec_with(ts::Node s) {
  const uint32_t n = s.named_child_count();
  for (uint32_t i = 0; i < n; ++i) {
    ts::Node clause = s.named_child(i);
    if (kind_of(clause) != Kind::kWithClause) continue;
    for (uint32_t j = 0; j < clause.named_child_count(); ++j) {
      ts::Node item = clause.named_child(j);
      if (kind_of(item) != Kind::kWithItem) continue;
      ts::Node value = field(item, Field::kValue);
      if (!value) continue;
      ts::Node alias = field(value, Field::kAlias);
      if (alias) {
        // `with expr as name`: the value is an as_pattern(expr, as_pattern_target).
        Alts v = eval(value.named_child(0));
        ts::Node target = alias.named_child_count() > 0 ? alias.named_child(0) : alias;
        if (kind_of(target) == Kind::kIdentifier) bind(std::string(m_.text(target)), std::move(v));
        else bind_target_unknown(target);
      } else {
        eval(value);
      }
    }
  }
  exec_block(field(s, Field::kBody));
}

}  // namespace py
