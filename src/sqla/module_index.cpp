#include "sqla/module_index.h"

#include "sqla/facts.h"

namespace sqla {

ModuleIndex::ModuleIndex(const std::vector<FileFacts>& files) {
  by_name_.reserve(files.size());
  for (const FileFacts& f : files) {
    if (!f.module_name.empty()) by_name_.emplace(f.module_name, &f);
  }
}

const FileFacts* ModuleIndex::home_of(std::string_view symbol, std::string_view& rest) const {
  // Longest prefix first: "app.db.models.User" tries "app.db.models", then "app.db", then "app".
  for (size_t dot = symbol.rfind('.'); dot != std::string_view::npos && dot > 0;
       dot = symbol.rfind('.', dot - 1)) {
    auto it = by_name_.find(symbol.substr(0, dot));
    if (it == by_name_.end()) continue;
    rest = symbol.substr(dot + 1);
    return it->second;
  }
  return nullptr;
}

}  // namespace sqla
