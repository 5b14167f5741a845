#pragma once
// git's glob dialect (wildmatch): what .gitignore patterns mean. Not fnmatch(3): `**` between
// slashes crosses directories, `[!a]` and `[^a]` both negate, `[[:alpha:]]` classes, `\` escapes.
#include <string_view>

namespace app {

/// True when `pattern` matches all of `text`. With `pathname`, `*`, `?` and classes never match
/// '/', and only a `**` that is a whole path component (or the pattern's end) crosses it.
bool git_wildmatch(std::string_view pattern, std::string_view text, bool pathname);

}  // namespace app
