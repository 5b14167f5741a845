#pragma once
// Small string helpers shared by the semantic layer and the rules: ASCII only, no locale, no
// allocation where a view will do.
#include <cctype>
#include <string>
#include <string_view>

namespace core {

/// An ASCII lower-case copy of `s` (bytes >= 0x80 are left as they are).
inline std::string lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The text after the last '.' of a dotted name (`a.b.c` -> `c`), or the whole name without a dot.
inline std::string_view last_component(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

/// The text after the last '/' of a path (`a/b/c.py` -> `c.py`), or the whole path without a slash.
inline std::string_view basename(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// The text before the last '/' of a path (`a/b/c.py` -> `a/b`), or "" without a slash.
inline std::string dirname(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

}  // namespace core
