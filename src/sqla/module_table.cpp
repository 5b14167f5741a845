#include "sqla/module_table.h"

namespace sqla {
namespace {

std::string_view head_of(std::string_view name) { return name.substr(0, name.find('.')); }

}  // namespace

size_t shared_directories(std::string_view a, std::string_view b) {
  size_t shared = 0;
  for (;;) {
    const size_t slash_a = a.find('/');
    const size_t slash_b = b.find('/');
    if (slash_a == std::string_view::npos || slash_b == std::string_view::npos) return shared;
    if (a.substr(0, slash_a) != b.substr(0, slash_b)) return shared;
    ++shared;
    a.remove_prefix(slash_a + 1);
    b.remove_prefix(slash_b + 1);
  }
}

ModuleTable::ModuleTable(const ProjectFacts& facts) {
  for (const FileFacts& f : facts.files) {
    if (f.module_name.empty()) continue;
    by_name_[f.module_name].push_back(&f);
    heads_.emplace(head_of(f.module_name));
    for (const std::string& alias : f.module_aliases) {
      by_alias_[alias].push_back(&f);
      heads_.emplace(head_of(alias));
    }
  }
  for (const std::string& m : facts.other_modules) {
    others_.insert(m);
    heads_.emplace(head_of(m));
  }
}

const FileFacts* ModuleTable::nearest(const std::vector<const FileFacts*>& named,
                                      const std::vector<const FileFacts*>& aliased, std::string_view importer) {
  // The nearest file wins; at equal distance a module name beats an alias, and the first of
  // several module names is kept (as before importers were known); aliases alone tie: ambiguous.
  const FileFacts* best = nullptr;
  size_t best_shared = 0;
  bool best_named = false;
  bool tie = false;
  auto consider = [&](const FileFacts* f, bool is_named) {
    const size_t shared = shared_directories(importer, f->path);
    if (!best || shared > best_shared || (shared == best_shared && is_named && !best_named)) {
      best = f;
      best_shared = shared;
      best_named = is_named;
      tie = false;
    } else if (shared == best_shared && !best_named && best != f) {
      tie = true;
    }
  };
  for (const FileFacts* f : named) consider(f, true);
  for (const FileFacts* f : aliased) consider(f, false);
  return tie ? nullptr : best;
}

const FileFacts* ModuleTable::find(std::string_view name, std::string_view importer) const {
  const std::string key(name);
  static const std::vector<const FileFacts*> kNone;
  const auto named = by_name_.find(key);
  const auto aliased = by_alias_.find(key);
  if (named == by_name_.end() && others_.count(key)) return nullptr;  // not analysed: silence
  if (named != by_name_.end() || aliased != by_alias_.end()) {
    return nearest(named != by_name_.end() ? named->second : kNone, aliased != by_alias_.end() ? aliased->second : kNone,
                   importer);
  }
  // src/ layouts and namespace packages: the import name may carry more leading packages than the
  // module name; accept a unique suffix match.
  const FileFacts* found = nullptr;
  for (size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.', dot + 1)) {
    const std::string tail(name.substr(dot + 1));
    if (others_.count(tail)) return nullptr;  // a skipped module makes the match ambiguous
    auto it = by_name_.find(tail);
    if (it == by_name_.end()) continue;
    if (found || it->second.size() != 1) return nullptr;
    found = it->second[0];
  }
  return found;
}

const FileFacts* ModuleTable::home_of(std::string_view symbol, std::string_view importer,
                                     std::string_view& rest) const {
  static const std::vector<const FileFacts*> kNone;
  // Longest module first: "app.db.models.User" tries "app.db.models", then "app.db", then "app".
  // The longest that any file answers to decides, even when it is ambiguous.
  for (size_t dot = symbol.rfind('.'); dot != std::string_view::npos && dot > 0;
       dot = symbol.rfind('.', dot - 1)) {
    const std::string key(symbol.substr(0, dot));
    const auto named = by_name_.find(key);
    const auto aliased = by_alias_.find(key);
    if (named == by_name_.end() && aliased == by_alias_.end()) continue;
    const FileFacts* home = nearest(named != by_name_.end() ? named->second : kNone,
                                    aliased != by_alias_.end() ? aliased->second : kNone, importer);
    if (home) rest = symbol.substr(dot + 1);
    return home;
  }
  return nullptr;
}

}  // namespace sqla
