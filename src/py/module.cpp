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

void Module::build_indexes() {
  global_index_.reserve(globals_.size());
  for (size_t i = 0; i < globals_.size(); ++i) global_index_.emplace(globals_[i].first, i);
  for (size_t i = 0; i < functions_.size(); ++i) {
    const FunctionInfo& f = functions_[i];
    if (f.parent_function < 0) top_level_index_[f.qualified_name] = i;
    function_by_start_.emplace(f.node.start_byte(), i);
  }
}

const Alts* Module::global(std::string_view name) const {
  const auto it = global_index_.find(name);
  return it == global_index_.end() ? nullptr : &globals_[it->second].second;
}

const FunctionInfo* Module::top_level_function(std::string_view qualified) const {
  const auto it = top_level_index_.find(qualified);
  return it == top_level_index_.end() ? nullptr : &functions_[it->second];
}

int Module::function_index(ts::Node definition) const {
  // Functions are keyed by their first byte; two definitions never start at the same byte, but
  // the node is compared anyway, and a miss falls back to the scan this index replaced.
  const auto it = function_by_start_.find(definition.start_byte());
  if (it == function_by_start_.end()) return -1;  // an equal node starts at the same byte
  if (functions_[it->second].node == definition) return static_cast<int>(it->second);
  for (size_t i = 0; i < functions_.size(); ++i) {
    if (functions_[i].node == definition) return static_cast<int>(i);
  }
  return -1;
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
  module->build_indexes();
  return module;
}

}  // namespace py
