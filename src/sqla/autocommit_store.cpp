// autocommit=True reaching a call through `**kwargs` / `**self.options`: the dict the call
// splats, written earlier in the function (or anywhere in the class for `self.x`) with a
// subscript, setdefault() or update(). Its own file: it reads dict writes, not session releases.
#include <optional>
#include <string>

#include "sqla/session_analysis.h"

namespace sqla {
using namespace session_analysis;  // NOLINT(google-build-using-namespace): this concern's helpers

namespace {

bool is_true(const py::Module& m, ts::Node n) { return n && m.text(n) == "True"; }

bool is_autocommit_key(const py::Module& m, ts::Node n) {
  const std::string_view t = n ? m.text(n) : std::string_view();
  return t == "\"autocommit\"" || t == "'autocommit'";
}

/// True when `statement_node` sets autocommit=True on the dict written `dict`.
bool sets_autocommit(const py::Module& m, ts::Node n, std::string_view dict) {
  const Kind k = kind_of(n);
  if (k == Kind::kAssignment) {
    const ts::Node left = py::field(n, Field::kLeft);
    return left && kind_of(left) == Kind::kSubscript && m.text(py::field(left, Field::kValue)) == dict &&
           is_autocommit_key(m, py::field(left, Field::kSubscript)) && is_true(m, py::field(n, Field::kRight));
  }
  if (k != Kind::kCall) return false;
  const ts::Node fn = py::field(n, Field::kFunction);
  if (!fn || kind_of(fn) != Kind::kAttribute || m.text(py::field(fn, Field::kObject)) != dict) return false;
  const std::string_view method = m.text(py::field(fn, Field::kAttribute));
  const ts::Node args = py::field(n, Field::kArguments);
  if (!args) return false;
  if (method == "setdefault") {
    return args.named_child_count() >= 2 && is_autocommit_key(m, args.named_child(0)) && is_true(m, args.named_child(1));
  }
  if (method != "update") return false;
  for (uint32_t i = 0; i < args.named_child_count(); ++i) {
    const ts::Node a = args.named_child(i);
    if (kind_of(a) == Kind::kKeywordArgument) {
      if (m.text(py::field(a, Field::kName)) == "autocommit" && is_true(m, py::field(a, Field::kValue))) return true;
    } else if (kind_of(a) == Kind::kDictionary) {
      for (uint32_t j = 0; j < a.named_child_count(); ++j) {
        const ts::Node pair = a.named_child(j);
        if (is_type(pair, "pair") && is_autocommit_key(m, py::field(pair, Field::kKey)) &&
            is_true(m, py::field(pair, Field::kValue))) {
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace

std::optional<AutocommitStore> autocommit_store(const py::Module& m, ts::Node call) {
  const ts::Node args = py::field(call, Field::kArguments);
  for (uint32_t i = 0; args && i < args.named_child_count(); ++i) {
    const ts::Node splat = args.named_child(i);
    if (kind_of(splat) != Kind::kDictionarySplat || splat.named_child_count() == 0) continue;
    const ts::Node dict = splat.named_child(0);
    if (kind_of(dict) != Kind::kIdentifier && kind_of(dict) != Kind::kAttribute) continue;
    const std::string_view name = m.text(dict);
    // Where the dict is written: the enclosing function before the call, or for `self.x` the class.
    const bool attribute = name.starts_with("self.");
    ts::Node region;
    int depth = 0;
    for (ts::Node a = call.parent(); a && ++depth < kMaxClimb; a = a.parent()) {
      const Kind k = kind_of(a);
      if (k == Kind::kFunctionDefinition && !attribute) {
        region = a;
        break;
      }
      if (k == Kind::kClassDefinition || k == Kind::kModule) {
        region = a;
        break;
      }
    }
    if (!region) continue;
    std::optional<AutocommitStore> found;
    auto visit = [&](ts::Node n) {
      if (found || (!attribute && n.start_byte() >= call.start_byte())) return;
      if (sets_autocommit(m, n, name)) found = AutocommitStore{m.location(n), "**" + std::string(name)};
    };
    if (kind_of(region) == Kind::kFunctionDefinition) {
      walk_function(py::field(region, Field::kBody), visit);
    } else {
      ts::walk_preorder(region, [&](ts::Node n) {
        visit(n);
        return !found;
      });
    }
    if (found) return found;
  }
  return std::nullopt;
}

}  // namespace sqla
