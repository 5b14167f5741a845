#include "py/module.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "py/grammar.h"
#include "py/interpreter/interpreter.h"

namespace py {

std::optional<Tags> merge_tags(const Tags& a, const Tags& b) {
  Tags out;
  out.reserve(a.size() + b.size());
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].id < b[j].id)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].id < a[i].id) {
      out.push_back(b[j++]);
    } else {
      if (a[i].taken != b[j].taken) return std::nullopt;
      out.push_back(a[i]);
      ++i;
      ++j;
    }
  }
  return out;
}

const Argument* ArgumentSet::find(std::string_view name) const {
  for (auto it = keywords.rbegin(); it != keywords.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

const Argument* ArgumentSet::get(std::string_view name, size_t index) const {
  if (const Argument* a = find(name)) return a;
  return at(index);
}

Module::~Module() = default;

const Alts* Module::global(std::string_view name) const {
  for (const auto& [n, alts] : globals_) {
    if (n == name) return &alts;
  }
  return nullptr;
}

std::string Module::describe(const Tags& tags) const {
  std::string out;
  for (const CondTag& t : tags) {
    if (!out.empty()) out += " and ";
    const Condition& c = conditions_[t.id];
    out += "`" + c.text + "` is " + (t.taken ? "true" : "false") + " (line " +
           std::to_string(c.where.range.begin.line) + ")";
  }
  return out;
}


std::unique_ptr<Module> Module::analyze(const core::SourceFile& source, ts::Node root,
                                        std::string module_name, bool is_package,
                                        CallObserver* observer) {
  std::unique_ptr<Module> module(new Module(source));
  module->name_ = std::move(module_name);
  Interpreter interpreter(*module, observer, is_package);
  interpreter.run(root);
  return module;
}

}  // namespace py
