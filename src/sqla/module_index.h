#pragma once
// The project's files by dotted module name: names that cross modules ("app.deps.get_db") are
// looked up once per dot of the name instead of by a scan of every file, which made the project
// phase O(names x files) on large trees.
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sqla {

struct FileFacts;

class ModuleIndex {
 public:
  /// Indexes `files`, which must outlive the index and keep their module names.
  explicit ModuleIndex(const std::vector<FileFacts>& files);

  /// The file of the project module that defines `symbol` ("app.deps.get_db" -> app/deps.py):
  /// the longest module name that is a prefix of `symbol` up to a dot, the rest of the name in
  /// `rest`; null when no module of the project matches. When two files have the same module
  /// name, the first one wins.
  const FileFacts* home_of(std::string_view symbol, std::string_view& rest) const;

 private:
  std::unordered_map<std::string_view, const FileFacts*> by_name_;
};

}  // namespace sqla
