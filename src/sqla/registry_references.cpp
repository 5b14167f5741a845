// The references to scoped_session registries a module makes (facts PA205): a module-level name
// that may be a registry (this module's own scoped_session() or a project import), what each
// reference does with it (release with remove()/close(), a closed call, register()), and releases
// on any other receiver matched by name. Rules pair them per registry at project phase.
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sqla/session_analysis.h"

namespace sqla {
using namespace session_analysis;  // NOLINT(google-build-using-namespace): this concern's helpers

namespace {

/// The index of the function whose body holds `node` (-1 at module level).
int enclosing_function(const py::Module& m, ts::Node node) {
  int depth = 0;
  for (ts::Node a = node.parent(); a && ++depth < kMaxClimb; a = a.parent()) {
    if (kind_of(a) != Kind::kFunctionDefinition) continue;
    return m.function_index(a);
  }
  return -1;
}

/// `R.remove` / `R.close` called with no arguments (a list's `remove(x)` takes one) or passed as a
/// callback.
bool is_release_attribute(const py::Module& m, ts::Node attribute) {
  const std::string_view attr = m.text(py::field(attribute, Field::kAttribute));
  if (attr != "remove" && attr != "close") return false;
  const ts::Node call = attribute.parent();
  if (!call || kind_of(call) != Kind::kCall || !(py::field(call, Field::kFunction) == attribute)) return true;
  const ts::Node args = py::field(call, Field::kArguments);
  for (uint32_t i = 0; args && i < args.named_child_count(); ++i) {
    if (kind_of(args.named_child(i)) != Kind::kComment) return false;
  }
  return true;
}

/// What an expression that names a registry does with it.
RegistryReference::Kind registry_use(const py::Module& m, ts::Node expr) {
  const ts::Node p = expr.parent();
  if (!p) return RegistryReference::Kind::kOther;
  if (kind_of(p) == Kind::kAttribute && py::field(p, Field::kObject) == expr) {
    return is_release_attribute(m, p) ? RegistryReference::Kind::kRelease : RegistryReference::Kind::kOther;
  }
  if (kind_of(p) == Kind::kCall && py::field(p, Field::kFunction) == expr) {
    // `db = db_session()`: the thread's session; closing it ends its transaction and returns the
    // connection, so the registry keeps only a closed Session (facts PA205: close() at teardown).
    SessionUse probe;
    classify_release(m, p, enclosing_function(m, p), probe);
    return releases_connection(probe.release) ? RegistryReference::Kind::kClosedCall : RegistryReference::Kind::kOther;
  }
  if (ts::Node owner = argument_of(outer_expression(expr))) {
    // zope.sqlalchemy's register(R) closes the session with the transaction.
    if (last_component(m.text(py::field(owner, Field::kFunction))) == "register") return RegistryReference::Kind::kRelease;
  }
  return RegistryReference::Kind::kOther;
}

/// True for an identifier that names a binding rather than using one (a definition, an import, a
/// keyword, a parameter), or that only annotates a type (`def scope() -> Session:`).
bool is_binding_site(ts::Node id) {
  const ts::Node p = id.parent();
  if (!p) return true;
  int depth = 0;
  for (ts::Node a = p; a && ++depth < 8; a = a.parent()) {
    if (is_type(a, "type")) return true;
    if (kind_of(a) == Kind::kBlock || kind_of(a) == Kind::kExpressionStatement) break;
  }
  const Kind k = kind_of(p);
  if (k == Kind::kAttribute) return !(py::field(p, Field::kObject) == id);
  if (k == Kind::kKeywordArgument) return py::field(p, Field::kName) == id;
  if (k == Kind::kAssignment) return py::field(p, Field::kLeft) == id;
  if (k == Kind::kFunctionDefinition || k == Kind::kClassDefinition || k == Kind::kParameters ||
      k == Kind::kDefaultParameter || k == Kind::kTypedParameter || k == Kind::kTypedDefaultParameter ||
      k == Kind::kDottedName || k == Kind::kAliasedImport || k == Kind::kImportFromStatement ||
      k == Kind::kImportStatement || k == Kind::kGlobalStatement) {
    return true;
  }
  return false;
}

}  // namespace

void collect_registry_references(const py::Module& m, ts::Node root, std::vector<RegistryReference>& out) {
  constexpr size_t kMaxReferences = 4096;
  // Module-level names that may be a registry: this module's scoped_session()s and project imports.
  // By name: asked for every identifier of the module (a scan per identifier was quadratic).
  std::unordered_map<std::string, std::string> candidates;  // name -> symbol
  for (const auto& [name, alts] : m.globals()) {
    if (alts.size() != 1) continue;
    const py::Value& v = *alts[0].value;
    if (v.kind != ValueKind::kSymbol) continue;
    if (is_library(v.text) && last_component(v.text).find("scoped_session()") != std::string_view::npos) {
      candidates.emplace(name, m.name() + "." + name);
    } else if (std::string symbol = imported_symbol(m, name); !symbol.empty()) {
      candidates.emplace(name, std::move(symbol));
    }
  }
  auto candidate = [&](std::string_view name) -> const std::string* {
    const auto it = candidates.find(std::string(name));
    return it == candidates.end() ? nullptr : &it->second;
  };
  ts::walk_preorder(root, [&](ts::Node n) {
    if (out.size() >= kMaxReferences) return false;
    const Kind k = kind_of(n);
    if (k == Kind::kIdentifier) {
      const std::string* symbol = candidate(m.text(n));
      if (!symbol || is_binding_site(n)) return true;
      out.push_back(RegistryReference{*symbol, std::string(m.text(n)), registry_use(m, n), m.location(n)});
      // `database.db_session()`: the name may be a module holding the registry.
      const ts::Node p = n.parent();
      if (p && kind_of(p) == Kind::kAttribute && py::field(p, Field::kObject) == n) {
        const std::string attr(m.text(py::field(p, Field::kAttribute)));
        out.push_back(RegistryReference{*symbol + "." + attr, std::string(m.text(p)), registry_use(m, p), m.location(p)});
      }
      return true;
    }
    // A release on a receiver that is not a module-level name (`self.db_session.remove()`, a local
    // registry): matched by its last name component.
    if (k == Kind::kAttribute && is_release_attribute(m, n)) {
      const ts::Node object = py::field(n, Field::kObject);
      ts::Node root_name = object;
      while (root_name && kind_of(root_name) == Kind::kAttribute) root_name = py::field(root_name, Field::kObject);
      if (object && root_name && kind_of(root_name) == Kind::kIdentifier && !candidate(m.text(root_name))) {
        out.push_back(RegistryReference{"", std::string(m.text(object)), RegistryReference::Kind::kRelease, m.location(n)});
      }
      return true;
    }
    if (k == Kind::kCall && last_component(m.text(py::field(n, Field::kFunction))) == "register") {
      const ts::Node args = py::field(n, Field::kArguments);
      const ts::Node first = args && args.named_child_count() > 0 ? args.named_child(0) : ts::Node();
      if (first && kind_of(first) == Kind::kIdentifier && !candidate(m.text(first))) {
        out.push_back(RegistryReference{"", std::string(m.text(first)), RegistryReference::Kind::kRelease, m.location(n)});
      }
    }
    return true;
  });
}

}  // namespace sqla
