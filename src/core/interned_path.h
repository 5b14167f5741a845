#pragma once
// A file's display path, stored once per process. Every fact, value and finding carries the
// path of the file it was found in (core::Location): as a std::string that was a heap copy of
// the path in each of them, the largest single cost of the facts the file phase holds for every
// analysed file until the project phase (issue #16, bench/README.md "What holds memory"). An
// interned path is one pointer into a table that keeps each distinct path once and is never
// freed (there are as many paths as files walked), so copies are free and equality is a pointer
// comparison. It reads like a `const std::string&`.
#include <compare>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace core {

class InternedPath {
 public:
  InternedPath() : text_(no_path()) {}
  InternedPath(std::string_view path) : text_(intern(path)) {}  // NOLINT: a path is a path
  InternedPath(const std::string& path) : InternedPath(std::string_view(path)) {}  // NOLINT
  InternedPath(const char* path) : InternedPath(std::string_view(path)) {}  // NOLINT

  const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }  // NOLINT: reads as the string
  operator std::string_view() const { return *text_; }    // NOLINT

  bool empty() const { return text_->empty(); }
  size_t size() const { return text_->size(); }
  const char* c_str() const { return text_->c_str(); }
  bool starts_with(std::string_view prefix) const { return text_->starts_with(prefix); }
  bool ends_with(std::string_view suffix) const { return text_->ends_with(suffix); }

  /// One string per distinct path: equal paths are the same pointer.
  friend bool operator==(const InternedPath& a, const InternedPath& b) { return a.text_ == b.text_; }
  friend std::strong_ordering operator<=>(const InternedPath& a, const InternedPath& b) {
    return a.text_ == b.text_ ? std::strong_ordering::equal : a.str().compare(b.str()) <=> 0;
  }
  friend bool operator==(const InternedPath& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const InternedPath& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const InternedPath& a, const char* b) { return a.str() == b; }
  friend std::string operator+(const InternedPath& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const InternedPath& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(const InternedPath& a, const char* b) { return a.str() + b; }
  friend std::string operator+(const InternedPath& a, char b) { return a.str() + b; }
  friend std::string operator+(std::string_view a, const InternedPath& b) { return std::string(a) + b.str(); }
  friend std::string operator+(const char* a, const InternedPath& b) { return a + b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const InternedPath& p) { return out << p.str(); }

 private:
  /// The empty path (a default Location's): a leaked static, valid during static destruction too.
  static const std::string* no_path() {
    static const std::string* const instance = new std::string();
    return instance;
  }
  /// The table's copy of `path` (thread-safe; the table lives until the process exits).
  static const std::string* intern(std::string_view path);

  const std::string* text_;
};

}  // namespace core

template <>
struct std::hash<core::InternedPath> {
  size_t operator()(const core::InternedPath& p) const noexcept { return std::hash<std::string>()(p.str()); }
};
