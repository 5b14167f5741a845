// Imports: `import a.b as c` and `from .x import y` bind qualified symbols.
#include "py/interpreter/interpreter.h"

#include <algorithm>

#include "core/text.h"

namespace py {

using namespace detail;

void Interpreter::exec_import(ts::Node s) {
  const uint32_t n = s.named_child_count();
  for (uint32_t i = 0; i < n; ++i) {
    ts::Node c = s.named_child(i);
    if (kind_of(c) == Kind::kDottedName) {
      // `import a.b.c` binds `a`.
      std::string full(m_.text(c));
      std::string head = full.substr(0, full.find('.'));
      bind(head, single(Value::symbol(head, m_.location(c))));
    } else if (kind_of(c) == Kind::kAliasedImport) {
      std::string full(m_.text(field(c, Field::kName)));
      bind(std::string(m_.text(field(c, Field::kAlias))), single(Value::symbol(full, m_.location(c))));
    }
  }
}

std::string Interpreter::resolve_relative(ts::Node rel) {
  // `from ..pkg import x` inside module a.b.c: one dot is the current package.
  std::string dots;
  std::string rest;
  for (uint32_t i = 0; i < rel.named_child_count(); ++i) {
    ts::Node c = rel.named_child(i);
    if (kind_of(c) == Kind::kImportPrefix) dots = std::string(m_.text(c));
    else if (kind_of(c) == Kind::kDottedName) rest = std::string(m_.text(c));
  }
  if (dots.empty()) {
    std::string_view t = m_.text(rel);
    size_t k = 0;
    while (k < t.size() && t[k] == '.') ++k;
    dots = std::string(t.substr(0, k));
    if (rest.empty()) rest = std::string(t.substr(k));
  }
  std::vector<std::string> parts;
  std::string_view name = m_.name_;
  while (!name.empty()) {
    const size_t dot = name.find('.');
    parts.emplace_back(name.substr(0, dot));
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  if (!is_package_ && !parts.empty()) parts.pop_back();
  for (size_t k = 1; k < dots.size() && !parts.empty(); ++k) parts.pop_back();
  std::string base;
  for (const auto& p : parts) base += (base.empty() ? "" : ".") + p;
  if (!rest.empty()) base += (base.empty() ? "" : ".") + rest;
  return base;
}

void Interpreter::exec_import_from(ts::Node s) {
  ts::Node module_node = field(s, Field::kModuleName);
  if (!module_node) return;
  std::string base = kind_of(module_node) == Kind::kRelativeImport ? resolve_relative(module_node)
                                                                  : std::string(m_.text(module_node));
  const uint32_t n = s.named_child_count();
  for (uint32_t i = 0; i < n; ++i) {
    ts::Node c = s.named_child(i);
    if (c == module_node) continue;
    const Kind k = kind_of(c);
    if (k == Kind::kWildcardImport) {
      star_modules_.push_back(base);
    } else if (k == Kind::kDottedName) {
      std::string name(m_.text(c));
      bind(name, single(Value::symbol(base.empty() ? name : base + "." + name, m_.location(c))));
    } else if (k == Kind::kAliasedImport) {
      std::string name(m_.text(field(c, Field::kName)));
      bind(std::string(m_.text(field(c, Field::kAlias))),
           single(Value::symbol(base.empty() ? name : base + "." + name, m_.location(c))));
    }
  }
}

}  // namespace py
