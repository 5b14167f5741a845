#include "app/gitignore_file.h"

#include "app/git_wildmatch.h"

namespace app {
namespace {

/// Drops trailing spaces that no backslash escapes ("a\ " keeps one). Tabs stay, as in git.
void trim_trailing_spaces(std::string& line) {
  size_t keep = line.size();
  bool in_trailing_run = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == ' ') {
      if (!in_trailing_run) keep = i;
      in_trailing_run = true;
      continue;
    }
    if (line[i] == '\\' && ++i >= line.size()) return;  // a final lone backslash: git trims nothing
    in_trailing_run = false;
  }
  if (in_trailing_run) line.resize(keep);
}

bool has_glob_characters(std::string_view s) { return s.find_first_of("*?[\\") != std::string_view::npos; }

}  // namespace

IgnoreFile::IgnoreFile(std::string_view text, std::string base) : base_(std::move(base)) {
  if (!base_.empty()) base_ += '/';
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    std::string_view raw = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (raw.empty() || raw.front() == '#') continue;
    if (raw.back() == '\r') raw.remove_suffix(1);
    // git holds each line as a C string: a NUL byte ends the pattern.
    raw = raw.substr(0, raw.find('\0'));
    std::string line(raw);
    trim_trailing_spaces(line);
    Pattern p;
    std::string_view glob = line;
    if (glob.starts_with('!')) {
      p.negative = true;
      glob.remove_prefix(1);
    }
    if (glob.ends_with('/')) {
      p.directory_only = true;
      glob.remove_suffix(1);
    }
    if (glob.empty()) continue;  // "", "!", "/" and "!/" match no path
    p.name_only = glob.find('/') == std::string_view::npos;
    if (!p.name_only && glob.front() == '/') glob.remove_prefix(1);
    p.glob = std::string(glob);
    p.literal = !has_glob_characters(p.glob);
    patterns_.push_back(std::move(p));
  }
}

bool IgnoreFile::matches(const Pattern& p, std::string_view path, std::string_view name) const {
  if (p.name_only) return p.literal ? name == p.glob : git_wildmatch(p.glob, name, false);
  // Anchored: relative to this file's directory, and only below it.
  if (path.size() <= base_.size() || !path.starts_with(base_)) return false;
  path.remove_prefix(base_.size());
  return p.literal ? path == p.glob : git_wildmatch(p.glob, path, true);
}

IgnoreVerdict IgnoreFile::match(std::string_view path, std::string_view name, bool is_dir) const {
  for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
    if (it->directory_only && !is_dir) continue;
    if (matches(*it, path, name)) return it->negative ? IgnoreVerdict::kKept : IgnoreVerdict::kIgnored;
  }
  return IgnoreVerdict::kNone;
}

}  // namespace app
