#include "py/value.h"

#include "core/mask.h"

namespace py {

const DictEntry* DictValue::find(std::string_view key) const {
  // The last entry wins, as in a Python dict display with repeated keys.
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

Value Value::unknown(core::Location origin, std::string what) {
  Value v;
  v.origin = std::move(origin);
  v.text = std::move(what);
  return v;
}

Value Value::none(core::Location origin) {
  Value v;
  v.kind = ValueKind::kNone;
  v.origin = std::move(origin);
  return v;
}

Value Value::of_bool(bool b, core::Location origin) {
  Value v;
  v.kind = ValueKind::kBool;
  v.boolean = b;
  v.origin = std::move(origin);
  return v;
}

Value Value::of_int(int64_t i, core::Location origin) {
  Value v;
  v.kind = ValueKind::kInt;
  v.integer = i;
  v.origin = std::move(origin);
  return v;
}

Value Value::of_string(std::string s, core::Location origin, bool partial) {
  Value v;
  v.kind = ValueKind::kString;
  v.text = std::move(s);
  v.partial = partial;
  v.origin = std::move(origin);
  return v;
}

Value Value::symbol(std::string qualified_name, core::Location origin) {
  Value v;
  v.kind = ValueKind::kSymbol;
  v.text = std::move(qualified_name);
  v.origin = std::move(origin);
  return v;
}

std::optional<bool> Value::truthy() const {
  switch (kind) {
    case ValueKind::kNone: return false;
    case ValueKind::kBool: return boolean;
    case ValueKind::kInt: return integer != 0;
    case ValueKind::kFloat: return real != 0;
    case ValueKind::kString: return partial ? std::optional<bool>() : std::optional<bool>(!text.empty());
    case ValueKind::kDict:
      if (dict && !dict->entries.empty()) return true;
      return dict && dict->complete && dict->pending.empty() ? std::optional<bool>(false) : std::nullopt;
    case ValueKind::kList: return !items.empty();
    case ValueKind::kSymbol:
    case ValueKind::kFunction:
    case ValueKind::kObject: return true;
    case ValueKind::kUnknown: return std::nullopt;
  }
  return std::nullopt;
}

std::string Value::render() const {
  switch (kind) {
    case ValueKind::kUnknown: return text.empty() ? "<unknown>" : "<" + text + ">";
    case ValueKind::kNone: return "None";
    case ValueKind::kBool: return boolean ? "True" : "False";
    case ValueKind::kInt: return std::to_string(integer);
    case ValueKind::kFloat: {
      std::string s = std::to_string(real);
      while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
      return s;
    }
    // A rendered value is only ever shown: a literal is masked here, where its extent is known
    // (a URL's password runs to its last '@'), not guessed later from the surrounding message.
    case ValueKind::kString:
      return (partial ? "f'" : "'") + (text.find("://") != std::string::npos ? core::mask_url(text) : core::mask_secrets(text)) + "'";
    case ValueKind::kSymbol: return text;
    case ValueKind::kDict: {
      std::string out = "{";
      if (dict) {
        for (const auto& e : dict->entries) {
          if (out.size() > 1) out += ", ";
          const bool secret = core::is_secret_key(e.key);  // connect_args={"password": ...}
          out += "'" + e.key + "': " + (secret ? "'" + std::string(core::kMask) + "'" : e.value ? e.value->render() : "<unknown>");
        }
        for (const auto& p : dict->pending) out += (out.size() > 1 ? ", **" : "**") + p->render();
        if (!dict->complete) out += out.size() > 1 ? ", ..." : "...";
      }
      return out + "}";
    }
    case ValueKind::kList: {
      std::string out = "[";
      for (const auto& item : items) {
        if (out.size() > 1) out += ", ";
        out += item ? item->render() : "<unknown>";
      }
      return out + "]";
    }
    case ValueKind::kObject: return "<" + text + " instance>";
    case ValueKind::kFunction: return "<function " + text + ">";
  }
  return "<unknown>";
}

bool Value::same_as(const Value& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case ValueKind::kUnknown: return false;  // two unknowns are not known to be equal
    case ValueKind::kNone: return true;
    case ValueKind::kBool: return boolean == other.boolean;
    case ValueKind::kInt: return integer == other.integer;
    case ValueKind::kFloat: return real == other.real;
    case ValueKind::kString: return partial == other.partial && text == other.text;
    case ValueKind::kSymbol: return text == other.text;
    case ValueKind::kObject:
    case ValueKind::kFunction: return object_id == other.object_id && text == other.text;
    case ValueKind::kDict: {
      if (!dict || !other.dict) return dict == other.dict;
      if (dict->complete != other.dict->complete || dict->pending.size() != other.dict->pending.size()) return false;
      for (size_t i = 0; i < dict->pending.size(); ++i) {
        if (!dict->pending[i]->same_as(*other.dict->pending[i])) return false;
      }
      if (dict->entries.size() != other.dict->entries.size()) return false;
      for (size_t i = 0; i < dict->entries.size(); ++i) {
        const auto& a = dict->entries[i];
        const auto& b = other.dict->entries[i];
        if (a.key != b.key || !a.value || !b.value || !a.value->same_as(*b.value)) return false;
      }
      return true;
    }
    case ValueKind::kList: {
      if (items.size() != other.items.size()) return false;
      for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i] || !other.items[i] || !items[i]->same_as(*other.items[i])) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace py
