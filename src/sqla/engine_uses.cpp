#include "sqla/engine_uses.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "core/text.h"
#include "py/grammar.h"
#include "sqla/module_table.h"

namespace sqla {
namespace {

using core::last_component;
using py::Field;
using py::Kind;
using py::kind_of;
using py::ValueKind;

constexpr size_t kMaxReferences = 4096;
constexpr size_t kMaxFollowed = 16;  // the engine and the getters around it

/// Only names spelled with "engine" are followed: the pre-filter analyses every file that
/// mentions one (app/prefilter.cpp), so no use of such a name hides in a skipped file.
bool spelled_engine(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("engine") != std::string::npos;
}

/// The project symbol a module-level name stands for: what it was imported as, else this
/// module's own binding; "" when it is not a module-level name or has several origins.
std::string global_symbol(const py::Module& m, std::string_view name) {
  const py::Alts* alts = m.global(name);
  if (!alts || alts->empty()) return "";
  const py::Value& v = *(*alts)[0].value;
  const bool imported = v.kind == ValueKind::kSymbol && v.text.find("()") == std::string::npos &&
                        v.text.find('.') != std::string::npos;
  if (imported && alts->size() == 1) return v.text;  // also `import get_engine as connect_db`
  return m.name().empty() ? std::string(name) : m.name() + "." + std::string(name);
}

/// True for an identifier that binds a name (an assignment target, a definition, an import, a
/// parameter, a keyword) rather than using it.
bool binds(ts::Node id) {
  const ts::Node p = id.parent();
  if (!p) return true;
  const Kind k = kind_of(p);
  if (k == Kind::kAttribute) return !(py::field(p, Field::kObject) == id);
  if (k == Kind::kKeywordArgument) return py::field(p, Field::kName) == id;
  if (k == Kind::kAssignment || k == Kind::kAugmentedAssignment) return py::field(p, Field::kLeft) == id;
  return k == Kind::kFunctionDefinition || k == Kind::kClassDefinition || k == Kind::kParameters ||
         k == Kind::kDefaultParameter || k == Kind::kTypedParameter || k == Kind::kTypedDefaultParameter ||
         k == Kind::kDottedName || k == Kind::kAliasedImport || k == Kind::kImportFromStatement ||
         k == Kind::kImportStatement || k == Kind::kGlobalStatement;
}

/// The innermost function around `n`, or nullptr at module level (or in a class body).
const py::FunctionInfo* enclosing(const py::Module& m, ts::Node n) {
  for (ts::Node a = n.parent(); a; a = a.parent()) {
    if (kind_of(a) != Kind::kFunctionDefinition) continue;
    const int index = m.function_index(a);
    return index < 0 ? nullptr : &m.functions()[static_cast<size_t>(index)];
  }
  return nullptr;
}

void record(const py::Module& m, ts::Node at, std::string symbol, std::vector<EngineReference>& out) {
  EngineReference ref;
  ref.symbol = std::move(symbol);
  if (const py::FunctionInfo* f = enclosing(m, at)) {
    ref.function = f->qualified_name;
    ref.plain_function = f->parent_function < 0 && f->class_name.empty() && f->decorators.empty();
  } else {
    // A class body or a module-level statement runs with the module: not a getter.
    for (ts::Node a = at.parent(); a; a = a.parent()) {
      if (kind_of(a) == Kind::kClassDefinition) {
        ref.function = "<class>";
        break;
      }
    }
  }
  ref.where = m.location(at);
  out.push_back(std::move(ref));
}

/// The module a use of `symbol`'s last name reaches, resolved from `file`; nullptr: unresolved.
const FileFacts* home_of(const ModuleTable& table, const FileFacts& file, std::string_view symbol,
                         std::string_view& rest) {
  // The file's own bindings are spelled with its module name, which may not be how others import it.
  if (!file.module_name.empty() && symbol.size() > file.module_name.size() &&
      symbol.starts_with(file.module_name) && symbol[file.module_name.size()] == '.') {
    rest = symbol.substr(file.module_name.size() + 1);
    return &file;
  }
  return table.home_of(symbol, file.path, rest);
}

}  // namespace

void collect_engine_references(const py::Module& m, ts::Node root, std::vector<EngineReference>& out,
                               std::vector<std::string>& star_imports) {
  ts::walk_preorder(root, [&](ts::Node n) {
    if (out.size() >= kMaxReferences) return false;
    const Kind k = kind_of(n);
    if (k == Kind::kImportFromStatement) {
      for (uint32_t i = 0; i < n.named_child_count(); ++i) {
        if (kind_of(n.named_child(i)) == Kind::kWildcardImport) {
          star_imports.emplace_back(m.text(py::field(n, Field::kModuleName)));
        }
      }
      return true;
    }
    // `config.sync_engine`: a use of a module's engine through the module's name. (The object of
    // an attribute never binds a name.)
    if (k == Kind::kAttribute) {
      const ts::Node object = py::field(n, Field::kObject);
      const std::string_view attribute = m.text(py::field(n, Field::kAttribute));
      if (kind_of(object) != Kind::kIdentifier || !spelled_engine(attribute)) return true;
      const std::string_view name = m.text(object);
      if (!m.global(name)) return true;
      const std::string symbol = global_symbol(m, name);
      if (!symbol.empty()) record(m, n, symbol + "." + std::string(attribute), out);
      return true;
    }
    if (k != Kind::kIdentifier) return true;
    const std::string_view name = m.text(n);
    if (!m.global(name)) return true;
    std::string symbol = global_symbol(m, name);
    // binds() asks for the parent, which tree-sitter finds by a walk from the root: only for the
    // few names that spell an engine, or the walk over a large file turns quadratic.
    if (symbol.empty() || !spelled_engine(last_component(symbol)) || binds(n)) return true;
    record(m, n, std::move(symbol), out);
    return true;
  });
}

bool engine_used_only_outside_app(const ProjectFacts& facts, const ModuleTable& table, const FileFacts& file,
                                  const EngineSite& site) {
  const std::string& name = site.assigned_to;
  if (!site.function.empty() || name.empty() || name.find('.') != std::string::npos || file.module_name.empty()) {
    return false;
  }
  // The engine, then each plain function that uses it (a getter), by (home file, name).
  std::vector<std::pair<const FileFacts*, std::string>> pending{{&file, name}};
  std::set<std::pair<const FileFacts*, std::string>> seen(pending.begin(), pending.end());
  size_t uses = 0;
  for (size_t next = 0; next < pending.size(); ++next) {
    const auto [home, used] = pending[next];
    if (!spelled_engine(used)) return false;
    const std::string home_last(last_component(home->module_name));
    for (const FileFacts& user : facts.files) {
      for (const std::string& star : user.star_imports) {
        // `from config import *` re-exports every name: its uses are not followed.
        if (last_component(star) == home_last) return false;
      }
      for (const EngineReference& ref : user.engine_references) {
        if (last_component(ref.symbol) != used) continue;
        std::string_view rest;
        const FileFacts* target = home_of(table, user, ref.symbol, rest);
        if (!target) {
          // A library's name (`from sqlalchemy import engine`) is not the project's engine; a
          // project module that does not resolve (skipped, ambiguous) may be this one.
          const std::string_view head = std::string_view(ref.symbol).substr(0, ref.symbol.find('.'));
          if (!table.is_project_head(head)) continue;
          return false;
        }
        if (target != home || rest != used) continue;
        if (&user == home && ref.function == used) continue;  // the getter's own body (recursion)
        ++uses;
        if (user.is_alembic_env || user.is_test || user.is_script) continue;
        if (ref.plain_function && ref.function.find('.') == std::string::npos && pending.size() < kMaxFollowed) {
          auto key = std::make_pair(&user, ref.function);
          if (seen.insert(key).second) pending.push_back(std::move(key));
          continue;
        }
        return false;  // application code uses it
      }
    }
  }
  return uses > 0;
}

}  // namespace sqla
