// Expressions: names, attributes, literals, strings, operators, subscripts and dict displays.
#include "py/interpreter/interpreter.h"
#include "py/children.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "core/budget.h"
#include "core/text.h"
#include "py/removal.h"

namespace py {

using namespace detail;

void Interpreter::eval_children(ts::Node n) {
  for_each_named_child(n, [&](ts::Node c) { eval(c); });
}

Alts Interpreter::eval(ts::Node n) {
  if (!n) return single(Value::unknown());
  if (expr_depth_ >= kMaxExprDepth) return single(Value::unknown(m_.location(n), "too deep"));
  if (!core::spend_step()) return single(Value::unknown(m_.location(n), "analysis budget spent"));
  ++expr_depth_;
  Alts out = eval_inner(n);
  --expr_depth_;
  if (out.empty()) out = single(Value::unknown(m_.location(n)));
  return out;
}

Alts Interpreter::eval_inner(ts::Node n) {
  const core::Location where = m_.location(n);
  switch (kind_of(n)) {
    case Kind::kIdentifier: {
      std::string name(m_.text(n));
      if (const Alts* alts = lookup(name)) return *alts;
      return single(unbound(name, where));
    }
    case Kind::kAttribute: return eval_attribute(n, where);
    case Kind::kCall: return eval_call(n);
    case Kind::kString: return single(string_value(n));
    case Kind::kConcatenatedString: return eval_concatenated_string(n, where);
    case Kind::kInteger: return eval_integer(n, where);
    case Kind::kFloat: return eval_float(n, where);
    case Kind::kTrue: return single(Value::of_bool(true, where));
    case Kind::kFalse: return single(Value::of_bool(false, where));
    case Kind::kNone: return single(Value::none(where));
    case Kind::kDictionary: return eval_dict(n);
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSet:
    case Kind::kExpressionList: return eval_sequence(n, where);
    case Kind::kParenthesizedExpression: return eval_parenthesized(n, where);
    case Kind::kConditionalExpression: {
      if (n.named_child_count() < 3) break;
      return eval_conditional(n);
    }
    case Kind::kBooleanOperator: return eval_boolean_operator(n, where);
    case Kind::kNotOperator: return eval_not(n, where);
    case Kind::kUnaryOperator: return eval_unary(n, where);
    case Kind::kBinaryOperator: return eval_binary_operator(n, where);
    case Kind::kAwait: {
      const bool saved = awaited_;
      awaited_ = true;
      Alts out = n.named_child_count() > 0 ? eval(n.named_child(0)) : single(Value::unknown(where));
      awaited_ = saved;
      return out;
    }
    case Kind::kYield: {
      if (scope_.function >= 0) m_.functions_[static_cast<size_t>(scope_.function)].is_generator = true;
      eval_children(n);
      return single(Value::unknown(where, "yield"));
    }
    case Kind::kNamedExpression: {
      Alts v = eval(field(n, Field::kValue));
      ts::Node name = field(n, Field::kName);
      if (name) bind(std::string(m_.text(name)), v);
      return v;
    }
    case Kind::kLambda: return single(Value::unknown(where, "lambda"));
    case Kind::kSubscript: return eval_subscript(n, where);
    case Kind::kComment: return single(Value::unknown(where));
    default: break;
  }
  eval_children(n);
  return single(Value::unknown(where, collapse_space(m_.text(n))));
}

Alts Interpreter::eval_attribute(ts::Node n, const core::Location& where) {
  Alts object = eval(field(n, Field::kObject));
  std::string attr(m_.text(field(n, Field::kAttribute)));
  Alts out;
  for (Alt& a : object) {
    if (a.value->kind == ValueKind::kSymbol) {
      Value v = Value::symbol(a.value->text + "." + attr, where);
      out.push_back(Alt{make(std::move(v)), std::move(a.tags)});
    } else {
      out.push_back(Alt{make(Value::unknown(where, collapse_space(m_.text(n)))), std::move(a.tags)});
    }
  }
  dedupe(out);
  return out;
}

Alts Interpreter::eval_concatenated_string(ts::Node n, const core::Location& where) {
  Value v = Value::of_string("", where);
  for (uint32_t i = 0; i < n.named_child_count(); ++i) {
    Value part = string_value(n.named_child(i));
    v.text += part.text;
    v.partial = v.partial || part.partial;
  }
  return single(std::move(v));
}

Alts Interpreter::eval_integer(ts::Node n, const core::Location& where) {
  std::string digits;
  for (char c : m_.text(n)) if (c != '_') digits += c;
  int base = 10;
  std::string_view body = digits;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) { base = 16; body.remove_prefix(2); }
  else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) { base = 8; body.remove_prefix(2); }
  else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) { base = 2; body.remove_prefix(2); }
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, base);
  if (ec != std::errc() || ptr != body.data() + body.size()) return single(Value::unknown(where, "integer"));
  return single(Value::of_int(value, where));
}

Alts Interpreter::eval_float(ts::Node n, const core::Location& where) {
  std::string digits;
  for (char c : m_.text(n)) if (c != '_') digits += c;
  if (!digits.empty() && (digits.back() == 'j' || digits.back() == 'J')) return single(Value::unknown(where));
  Value v;
  v.kind = ValueKind::kFloat;
  v.real = std::strtod(digits.c_str(), nullptr);
  v.origin = where;
  return single(std::move(v));
}

Alts Interpreter::eval_sequence(ts::Node n, const core::Location& where) {
  Value v;
  v.kind = ValueKind::kList;
  v.origin = where;
  bool exact = true;
  for_each_named_child(n, [&](ts::Node c) {
    if (kind_of(c) == Kind::kComment) return;
    Alts item = eval(c);
    if (kind_of(c) == Kind::kListSplat || item.size() != 1) exact = false;
    v.items.push_back(item.size() == 1 ? item[0].value : make(Value::unknown(m_.location(c))));
  });
  if (!exact) return single(Value::unknown(where, "sequence"));
  return single(std::move(v));
}

Alts Interpreter::eval_parenthesized(ts::Node n, const core::Location& where) {
  // A comment inside the parentheses is a named child too.
  ts::Node inner;
  uint32_t count = 0;
  for (uint32_t i = 0; i < n.named_child_count(); ++i) {
    if (kind_of(n.named_child(i)) == Kind::kComment) continue;
    inner = n.named_child(i);
    ++count;
  }
  if (count == 1) return eval(inner);
  eval_children(n);
  return single(Value::unknown(where));
}

Alts Interpreter::eval_conditional(ts::Node n) {
  ts::Node cond = n.named_child(1);
  std::optional<bool> constant = constant_condition(cond);
  if (constant) return eval(n.named_child(*constant ? 0 : 2));
  eval(cond);
  CondTag tag = condition_tag(cond);
  Alts out;
  for (int side = 0; side < 2; ++side) {
    CondTag t{tag.id, side == 0 ? tag.taken : !tag.taken};
    auto path = merge_tags(path_, Tags{t});
    if (!path) continue;
    for (Alt& a : eval(n.named_child(side == 0 ? 0 : 2))) {
      if (auto merged = merge_tags(a.tags, Tags{t})) out.push_back(Alt{std::move(a.value), std::move(*merged)});
    }
  }
  dedupe(out);
  return out;
}

Alts Interpreter::eval_boolean_operator(ts::Node n, const core::Location& where) {
  Alts left = eval(field(n, Field::kLeft));
  Alts right = eval(field(n, Field::kRight));
  const bool is_or = m_.text(field(n, Field::kOperator)) == "or";
  Alts out;
  for (Alt& a : left) {
    std::optional<bool> t = a.value->truthy();
    if (!t) {
      out.push_back(Alt{make(Value::unknown(where, collapse_space(m_.text(n)))), a.tags});
    } else if (*t == is_or) {
      out.push_back(std::move(a));
    } else {
      for (const Alt& b : right) {
        if (auto tags = merge_tags(a.tags, b.tags)) out.push_back(Alt{b.value, std::move(*tags)});
      }
    }
  }
  dedupe(out);
  return out;
}

Alts Interpreter::eval_not(ts::Node n, const core::Location& where) {
  Alts inner = eval(field(n, Field::kArgument));
  Alts out;
  for (Alt& a : inner) {
    std::optional<bool> t = a.value->truthy();
    out.push_back(Alt{make(t ? Value::of_bool(!*t, where) : Value::unknown(where)), std::move(a.tags)});
  }
  dedupe(out);
  return out;
}

Alts Interpreter::eval_unary(ts::Node n, const core::Location& where) {
  Alts inner = eval(field(n, Field::kArgument));
  const std::string_view op = m_.text(field(n, Field::kOperator));
  Alts out;
  for (Alt& a : inner) {
    Value v = Value::unknown(where);
    if (op == "-" && a.value->kind == ValueKind::kInt) v = Value::of_int(-a.value->integer, where);
    else if (op == "-" && a.value->kind == ValueKind::kFloat) { v = *a.value; v.real = -v.real; v.origin = where; }
    else if (op == "+") v = *a.value;
    out.push_back(Alt{make(std::move(v)), std::move(a.tags)});
  }
  return out;
}

Alts Interpreter::eval_binary_operator(ts::Node n, const core::Location& where) {
  Alts left = eval(field(n, Field::kLeft));
  Alts right = eval(field(n, Field::kRight));
  std::string op(m_.text(field(n, Field::kOperator)));
  Alts out;
  for (const Alt& a : left) {
    for (const Alt& b : right) {
      auto tags = merge_tags(a.tags, b.tags);
      if (!tags) continue;
      out.push_back(Alt{make(binary(op, *a.value, *b.value, where)), std::move(*tags)});
      if (out.size() >= kMaxAlts) break;
    }
  }
  dedupe(out);
  return out;
}

Alts Interpreter::eval_subscript(ts::Node n, const core::Location& where) {
  Alts object = eval(field(n, Field::kValue));
  Alts key = eval(field(n, Field::kSubscript));
  Alts out;
  for (const Alt& o : object) {
    for (const Alt& k : key) {
      auto tags = merge_tags(o.tags, k.tags);
      if (!tags) continue;
      Value v = Value::unknown(where, collapse_space(m_.text(n)));
      if (o.value->kind == ValueKind::kDict && k.value->kind == ValueKind::kString) {
        if (const DictEntry* e = o.value->dict->find(k.value->text)) {
          out.push_back(Alt{e->value, std::move(*tags)});
          continue;
        }
      } else if (o.value->kind == ValueKind::kSymbol && o.value->text == "os.environ" &&
                 k.value->kind == ValueKind::kString) {
        v.text = "environment variable " + k.value->text;
      }
      out.push_back(Alt{make(std::move(v)), std::move(*tags)});
    }
  }
  dedupe(out);
  return out;
}

Value Interpreter::unbound(const std::string& name, const core::Location& where) {
  static const std::unordered_set<std::string> kBuiltins = {
      "dict", "list", "tuple", "set", "int", "str", "float", "bool", "len", "print", "getattr",
      "isinstance", "open", "range", "super", "type", "object", "frozenset", "repr", "__import__"};
  if (kBuiltins.count(name)) return Value::symbol("builtins." + name, where);
  if (name == "__name__") return Value::of_string(m_.name_, where);
  if (!star_modules_.empty()) {
    // `from sqlalchemy import *`: the unbound name most likely came from there.
    for (const std::string& star : star_modules_) {
      if (star.rfind("sqlalchemy", 0) == 0 || star.rfind("sqlmodel", 0) == 0) {
        return Value::symbol(star + "." + name, where);
      }
    }
  }
  return Value::unknown(where, "unbound " + name);
}

Value Interpreter::string_value(ts::Node n) {
  const core::Location where = m_.location(n);
  if (kind_of(n) != Kind::kString) return Value::unknown(where);
  std::string text;
  bool raw = false;
  bool partial = false;
  const uint32_t count = n.child_count();
  for (uint32_t i = 0; i < count; ++i) {
    ts::Node c = n.child(i);
    switch (kind_of(c)) {
      case Kind::kStringStart:
        for (char ch : m_.text(c)) {
          if (ch == 'r' || ch == 'R') raw = true;
          if (ch == 't' || ch == 'T') partial = true;  // template strings are not str
        }
        break;
      case Kind::kStringContent: append_content(c, raw, text); break;
      case Kind::kInterpolation: {
        partial = true;
        for (uint32_t j = 0; j < c.named_child_count(); ++j) {
          ts::Node e = c.named_child(j);
          eval(e);
          break;
        }
        text += "{" + collapse_space(m_.text(c).substr(1, m_.text(c).size() >= 2 ? m_.text(c).size() - 2 : 0)) + "}";
        break;
      }
      default: break;
    }
  }
  return Value::of_string(std::move(text), where, partial);
}

void Interpreter::append_content(ts::Node content, bool raw, std::string& out) {
  std::string_view src = m_.source_.text();
  uint32_t pos = content.start_byte();
  for (uint32_t i = 0; i < content.named_child_count(); ++i) {
    ts::Node e = content.named_child(i);
    if (kind_of(e) != Kind::kEscapeSequence) continue;
    out.append(src.substr(pos, e.start_byte() - pos));
    std::string_view esc = e.text(src);
    if (raw || esc.size() < 2) {
      out.append(esc);
    } else {
      switch (esc[1]) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case '\n': break;
        case '{': out += '{'; break;
        case '}': out += '}'; break;
        default: out.append(esc); break;
      }
    }
    pos = e.end_byte();
  }
  out.append(src.substr(pos, content.end_byte() - pos));
}

Value Interpreter::binary(std::string_view op, const Value& a, const Value& b, const core::Location& where) {
  if (a.kind == ValueKind::kInt && b.kind == ValueKind::kInt) {
    if (op == "+") return Value::of_int(a.integer + b.integer, where);
    if (op == "-") return Value::of_int(a.integer - b.integer, where);
    if (op == "*") return Value::of_int(a.integer * b.integer, where);
    if (op == "//" && b.integer != 0) return Value::of_int(a.integer / b.integer, where);
  }
  if (op == "+" && (a.kind == ValueKind::kString || b.kind == ValueKind::kString)) {
    // String building keeps the known parts ("postgresql://" + host): enough to see the scheme.
    auto part = [](const Value& v) {
      return v.kind == ValueKind::kString ? v.text : std::string("{") + (v.text.empty() ? "?" : v.text) + "}";
    };
    const bool partial = a.kind != ValueKind::kString || b.kind != ValueKind::kString || a.partial || b.partial;
    return Value::of_string(part(a) + part(b), where, partial);
  }
  if (op == "|" && a.kind == ValueKind::kDict && b.kind == ValueKind::kDict) {
    auto dict = std::make_shared<DictValue>(*a.dict);
    merge_into(*dict, b);
    return dict_value(std::move(dict), where);
  }
  return Value::unknown(where);
}

Alts Interpreter::eval_dict(ts::Node n) {
  struct Partial {
    std::shared_ptr<DictValue> dict;
    Tags tags;
  };
  std::vector<Partial> partials{Partial{std::make_shared<DictValue>(), {}}};
  const Removals removals(m_.source(), n);
  size_t element = 0;  // index among the display's elements (comments not counted)
  for_each_named_child(n, [&](ts::Node c) {
    const Kind k = kind_of(c);
    if (k != Kind::kComment) ++element;
    if (k == Kind::kPair) {
      const core::TextSpan removal = removals.span(element - 1);
      Alts keys = eval(field(c, Field::kKey));
      Alts values = eval(field(c, Field::kValue));
      if (partials.size() == 1 && keys.size() == 1 && values.size() == 1) {
        // One combination, the common case: the dict is updated in place. A copy per pair made a
        // display of n pairs cost n copies of the dict.
        Partial& p = partials[0];
        auto t1 = merge_tags(p.tags, keys[0].tags);
        auto t2 = t1 ? merge_tags(*t1, values[0].tags) : std::nullopt;
        if (!t2) {
          partials.clear();
          return;
        }
        const Value& key = *keys[0].value;
        if (key.kind == ValueKind::kString && !key.partial) {
          set_entry(*p.dict, key.text, values[0].value, m_.location(c), removal);
        } else {
          p.dict->complete = false;
        }
        p.tags = std::move(*t2);
        return;
      }
      std::vector<Partial> next;
      for (const Partial& p : partials) {
        for (const Alt& key : keys) {
          for (const Alt& v : values) {
            auto t1 = merge_tags(p.tags, key.tags);
            auto t2 = t1 ? merge_tags(*t1, v.tags) : std::nullopt;
            if (!t2 || next.size() >= kMaxAlts) continue;
            auto dict = std::make_shared<DictValue>(*p.dict);
            if (key.value->kind == ValueKind::kString && !key.value->partial) {
              set_entry(*dict, key.value->text, v.value, m_.location(c), removal);
            } else {
              dict->complete = false;
            }
            next.push_back(Partial{std::move(dict), std::move(*t2)});
          }
        }
      }
      partials = std::move(next);
    } else if (k == Kind::kDictionarySplat) {
      Alts sources = c.named_child_count() ? eval(c.named_child(0)) : single(Value::unknown());
      if (partials.size() == 1 && sources.size() == 1) {
        Partial& p = partials[0];
        auto t = merge_tags(p.tags, sources[0].tags);
        if (!t) {
          partials.clear();
          return;
        }
        merge_into(*p.dict, *sources[0].value);
        p.tags = std::move(*t);
        return;
      }
      std::vector<Partial> next;
      for (const Partial& p : partials) {
        for (const Alt& s : sources) {
          auto t = merge_tags(p.tags, s.tags);
          if (!t || next.size() >= kMaxAlts) continue;
          auto dict = std::make_shared<DictValue>(*p.dict);
          merge_into(*dict, *s.value);
          next.push_back(Partial{std::move(dict), std::move(*t)});
        }
      }
      partials = std::move(next);
    } else if (k != Kind::kComment) {
      eval(c);  // comprehension parts
      for (Partial& p : partials) p.dict->complete = false;
    }
  });
  Alts out;
  for (Partial& p : partials) out.push_back(Alt{make(dict_value(std::move(p.dict), m_.location(n))), std::move(p.tags)});
  return out;
}

}  // namespace py
