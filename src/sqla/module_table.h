#pragma once
// Which project file an import name refers to. A file is known by its module name (the packages
// above it, never above the audited directory) and by its aliases: the names it has below the
// source roots a project puts on sys.path (src/, backend/, server/, api/, a package directory
// declared in pyproject.toml or setup.cfg, a SAM CodeUri) and below any directory that holds the
// top-level package an import names (`app.database` finds backend/app/database.py). When several
// files answer to a name, the one nearest the importing file is meant (each service of a
// monorepo imports its own `app.db`); a tie is ambiguous, and ambiguity is silence.
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sqla/facts.h"

namespace sqla {

/// How many leading directories two '/'-separated paths share ("a/b/x.py", "a/c/y.py" -> 1).
size_t shared_directories(std::string_view a, std::string_view b);

/// The analysed project modules by name and alias, for lookups from a known importing file.
class ModuleTable {
 public:
  explicit ModuleTable(const ProjectFacts& facts);

  /// The analysed file of module `name` imported from the file at display path `importer` ("":
  /// unknown); nullptr when no analysed module answers, when a module the pre-filter skipped
  /// does, or when the name is ambiguous.
  const FileFacts* find(std::string_view name, std::string_view importer) const;

  /// The file of the longest project module that `symbol` starts with up to a dot
  /// ("app.db.get_db" -> app/db.py), by module name first, then by alias (nearest `importer`; a
  /// tie is ambiguous: nullptr); `rest` is what follows the module ("get_db"). One lookup per dot
  /// of `symbol`: a scan of every file per name made the project phase O(names x files).
  const FileFacts* home_of(std::string_view symbol, std::string_view importer,
                           std::string_view& rest) const;

  /// True when `head` is the first component of a project module's name or alias.
  bool is_project_head(std::string_view head) const { return heads_.count(std::string(head)) != 0; }

 private:
  static const FileFacts* nearest(const std::vector<const FileFacts*>& named,
                                  const std::vector<const FileFacts*>& aliased, std::string_view importer);

  std::unordered_map<std::string, std::vector<const FileFacts*>> by_name_;
  std::unordered_map<std::string, std::vector<const FileFacts*>> by_alias_;
  std::unordered_set<std::string> others_;
  std::unordered_set<std::string> heads_;
};

}  // namespace sqla
