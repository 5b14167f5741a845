#pragma once
// The .gitignore format (also .git/info/exclude and core.excludesFile): one pattern a line, read
// as git reads it (dir.c): a UTF-8 BOM skipped, CRLF taken as LF, '#' starts a comment line,
// unescaped trailing spaces dropped, '!' negates, a trailing '/' matches directories only, a '/'
// at the start or in the middle anchors the pattern to the file's directory.
#include <string>
#include <string_view>
#include <vector>

namespace app {

/// What one pattern file says about a path: nothing, "ignored", or "not ignored" (a '!' rule).
enum class IgnoreVerdict { kNone, kIgnored, kKept };

/// The patterns of one file, and the directory they are relative to.
class IgnoreFile {
 public:
  IgnoreFile() = default;
  /// Reads `text`; `base` is the file's directory relative to the work tree ("" at its root,
  /// else "a/b").
  IgnoreFile(std::string_view text, std::string base);

  /// The verdict of the last pattern matching `path` (relative to the work tree, '/'
  /// separators, no trailing '/'), whose final component is `name`.
  IgnoreVerdict match(std::string_view path, std::string_view name, bool is_dir) const;

  bool empty() const { return patterns_.empty(); }
  size_t size() const { return patterns_.size(); }

 private:
  struct Pattern {
    std::string glob;         ///< without '!', the trailing '/' and (anchored) the leading '/'
    bool negative = false;    ///< "!pattern": re-includes
    bool directory_only = false;  ///< "pattern/"
    bool name_only = false;   ///< no '/' in it: matches the final component at any depth
    bool literal = false;     ///< no glob characters: plain comparison
  };
  bool matches(const Pattern& p, std::string_view path, std::string_view name) const;

  std::vector<Pattern> patterns_;
  std::string base_;  ///< "" or "a/b/"
};

}  // namespace app
