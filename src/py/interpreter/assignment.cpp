// Assignment (targets, unpacking, augmented assignment, del) and dicts changed in place
// (`d[k] = v`, `d.update(...)`, `d.pop(k)`).
#include "py/interpreter/interpreter.h"

#include <algorithm>

#include "core/text.h"

namespace py {

using namespace detail;

void Interpreter::exec_assignment(ts::Node s) {
  std::vector<ts::Node> targets{field(s, Field::kLeft)};
  ts::Node right = field(s, Field::kRight);
  if (!right) {
    // An annotation without a value binds nothing, but it still names a class field.
    if (scope_.class_index >= 0 && kind_of(targets[0]) == Kind::kIdentifier) {
      bind(std::string(m_.text(targets[0])), single(Value::unknown(m_.location(s), "annotation only")));
    }
    return;
  }
  while (kind_of(right) == Kind::kAssignment) {
    targets.push_back(field(right, Field::kLeft));
    right = field(right, Field::kRight);
  }
  if (!right) return;  // `a = b =` cut short: the parser recovered without a value
  if (targets.size() == 1) assigned_to_ = m_.text(targets[0]);
  Alts values = eval(right);
  assigned_to_ = {};
  for (ts::Node t : targets) assign(t, values, s);
}

void Interpreter::assign(ts::Node target, const Alts& values, ts::Node statement) {
  switch (kind_of(target)) {
    case Kind::kIdentifier: bind(std::string(m_.text(target)), values); break;
    case Kind::kSubscript: {
      ts::Node object = field(target, Field::kValue);
      ts::Node key = field(target, Field::kSubscript);
      Alts keys = eval(key);
      if (kind_of(object) != Kind::kIdentifier) {
        eval(object);
        if (observer_ && keys.size() == 1) {
          for (const Alt& v : values) {
            if (auto tags = merge_tags(path_, v.tags)) {
              observer_->on_item_store(m_, statement, m_.text(object), *keys[0].value, v.value, *tags);
            }
          }
        }
        return;
      }
      std::string name(m_.text(object));
      const Alts* dicts = lookup(name);
      if (!dicts) return;
      Alts out;
      for (const Alt& d : *dicts) {
        if (d.value->kind != ValueKind::kDict) {
          out.push_back(d);
          continue;
        }
        for (const Alt& v : values) {
          auto tags = merge_tags(d.tags, v.tags);
          if (!tags) continue;
          auto dict = std::make_shared<DictValue>(*d.value->dict);
          if (keys.size() == 1 && keys[0].value->kind == ValueKind::kString && !keys[0].value->partial) {
            set_entry(*dict, keys[0].value->text, v.value, m_.location(statement));
          } else {
            dict->complete = false;
          }
          out.push_back(Alt{make(dict_value(std::move(dict), d.value->origin)), std::move(*tags)});
        }
      }
      bind(name, std::move(out));
      break;
    }
    case Kind::kAttribute: eval(field(target, Field::kObject)); break;
    case Kind::kPatternList:
    case Kind::kTuplePattern:
    case Kind::kListPattern:
    case Kind::kExpressionList:
    case Kind::kTuple:
    case Kind::kList: {
      const uint32_t n = target.named_child_count();
      if (values.size() == 1 && values[0].value->kind == ValueKind::kList &&
          values[0].value->items.size() == n) {
        for (uint32_t i = 0; i < n; ++i) {
          assign(target.named_child(i), Alts{Alt{values[0].value->items[i], values[0].tags}}, statement);
        }
      } else {
        bind_target_unknown(target);
      }
      break;
    }
    default: bind_target_unknown(target); break;
  }
}

void Interpreter::bind_target_unknown(ts::Node target) {
  if (!target) return;
  if (kind_of(target) == Kind::kIdentifier) {
    bind(std::string(m_.text(target)), single(Value::unknown(m_.location(target))));
    return;
  }
  if (kind_of(target) == Kind::kAttribute || kind_of(target) == Kind::kSubscript) return;
  for (uint32_t i = 0; i < target.named_child_count(); ++i) bind_target_unknown(target.named_child(i));
}

void Interpreter::exec_augmented(ts::Node s) {
  ts::Node left = field(s, Field::kLeft);
  Alts right = eval(field(s, Field::kRight));
  if (kind_of(left) != Kind::kIdentifier) return;
  std::string name(m_.text(left));
  std::string op(m_.text(field(s, Field::kOperator)));
  const Alts* before = lookup(name);
  if (!before) return;
  Alts out;
  for (const Alt& a : *before) {
    for (const Alt& b : right) {
      auto tags = merge_tags(a.tags, b.tags);
      if (!tags) continue;
      out.push_back(Alt{make(binary(op.substr(0, op.size() - 1), *a.value, *b.value, m_.location(s))),
                        std::move(*tags)});
    }
  }
  bind(name, std::move(out));
}

void Interpreter::exec_delete(ts::Node s) {
  for (uint32_t i = 0; i < s.named_child_count(); ++i) {
    ts::Node t = s.named_child(i);
    std::vector<ts::Node> targets;
    if (kind_of(t) == Kind::kExpressionList) {
      for (uint32_t j = 0; j < t.named_child_count(); ++j) targets.push_back(t.named_child(j));
    } else {
      targets.push_back(t);
    }
    for (ts::Node target : targets) {
      if (kind_of(target) == Kind::kSubscript &&
          kind_of(field(target, Field::kValue)) == Kind::kIdentifier) {
        Alts keys = eval(field(target, Field::kSubscript));
        std::string name(m_.text(field(target, Field::kValue)));
        mutate_dict(name, [&](DictValue& d, const Tags&) {
          if (keys.size() == 1 && keys[0].value->kind == ValueKind::kString) {
            remove_entry(d, keys[0].value->text);
          } else {
            d.complete = false;
          }
        });
      } else if (kind_of(target) == Kind::kIdentifier) {
        bind(std::string(m_.text(target)), single(Value::unknown(m_.location(target), "deleted")));
      }
    }
  }
}

Value Interpreter::dict_value(std::shared_ptr<const DictValue> dict, core::Location origin) {
  Value v;
  v.kind = ValueKind::kDict;
  v.dict = std::move(dict);
  v.origin = std::move(origin);
  return v;
}

void Interpreter::set_entry(DictValue& d, const std::string& key, ValuePtr value, core::Location where,
                            core::TextSpan removal) {
  remove_entry(d, key);
  if (d.entries.size() >= kMaxDictEntries) {
    d.complete = false;
    return;
  }
  d.entries.push_back(DictEntry{key, std::move(value), std::move(where), removal});
}

void Interpreter::remove_entry(DictValue& d, std::string_view key) {
  d.entries.erase(std::remove_if(d.entries.begin(), d.entries.end(),
                                 [&](const DictEntry& e) { return e.key == key; }),
                  d.entries.end());
}

void Interpreter::merge_into(DictValue& d, const Value& source) {
  if (source.kind == ValueKind::kSymbol) {
    d.pending.push_back(std::make_shared<const Value>(source));
    return;
  }
  if (source.kind != ValueKind::kDict || !source.dict) {
    d.complete = false;
    return;
  }
  for (const ValuePtr& p : source.dict->pending) d.pending.push_back(p);
  for (const DictEntry& e : source.dict->entries) set_entry(d, e.key, e.value, e.where, e.removal);
  if (!source.dict->complete) d.complete = false;
}

std::optional<Alts> Interpreter::dict_method(const std::string& name, const std::string& method, ts::Node arg_list,
                                ts::Node call) {
  if (method != "update" && method != "setdefault" && method != "pop" && method != "clear" &&
      method != "copy" && method != "get") {
    return std::nullopt;
  }
  std::vector<ArgumentSet> sets = eval_arguments(arg_list);
  const Alts* dicts = lookup(name);
  if (!dicts) return std::nullopt;
  Alts updated;
  Alts results;
  for (const Alt& d : *dicts) {
    for (const ArgumentSet& s : sets) {
      auto tags = merge_tags(d.tags, s.tags);
      if (!tags) continue;
      if (d.value->kind != ValueKind::kDict) {
        updated.push_back(Alt{d.value, *tags});
        results.push_back(Alt{make(Value::unknown(m_.location(call))), *tags});
        continue;
      }
      auto dict = std::make_shared<DictValue>(*d.value->dict);
      Value result = Value::none(m_.location(call));
      const Argument* key = s.at(0);
      const bool known_key = key && key->value->kind == ValueKind::kString && !key->value->partial;
      if (method == "update") {
        if (key) merge_into(*dict, *key->value);
        for (const Argument& k : s.keywords) {
          if (k.name == "**") merge_into(*dict, *k.value);
          else set_entry(*dict, k.name, k.value, k.where);
        }
        if (!s.complete) dict->complete = false;
      } else if (method == "setdefault") {
        if (known_key) {
          if (const DictEntry* e = dict->find(key->value->text)) {
            result = *e->value;
          } else {
            ValuePtr v = s.at(1) ? s.at(1)->value : make(Value::none(m_.location(call)));
            set_entry(*dict, key->value->text, v, m_.location(call));
            result = *v;
          }
        } else {
          dict->complete = false;
          result = Value::unknown(m_.location(call));
        }
      } else if (method == "pop") {
        if (known_key) {
          const DictEntry* e = dict->find(key->value->text);
          result = e ? *e->value : (s.at(1) ? *s.at(1)->value : Value::unknown(m_.location(call)));
          remove_entry(*dict, key->value->text);
        } else {
          dict->complete = false;
          result = Value::unknown(m_.location(call));
        }
      } else if (method == "clear") {
        dict = std::make_shared<DictValue>();
      } else if (method == "copy") {
        result = *d.value;
      } else if (method == "get") {
        const DictEntry* e = known_key ? dict->find(key->value->text) : nullptr;
        if (e) result = *e->value;
        else if (known_key && dict->complete && dict->pending.empty()) result = s.at(1) ? *s.at(1)->value : Value::none(m_.location(call));
        else result = Value::unknown(m_.location(call));
      }
      updated.push_back(Alt{make(dict_value(std::move(dict), d.value->origin)), *tags});
      results.push_back(Alt{make(std::move(result)), std::move(*tags)});
    }
  }
  if (method != "copy" && method != "get") bind(name, std::move(updated));
  dedupe(results);
  return results;
}

}  // namespace py
