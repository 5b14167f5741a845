#include "app/git_wildmatch.h"

#include <cctype>
#include <cstddef>

namespace app {
namespace {

// Besides match / no match, two verdicts that stop the caller's star from trying further
// positions: without them "*a*a*a*a*b" against a long run of a's is exponential.
enum class Result { kMatch, kNoMatch, kAbortAll, kAbortToDoubleStar };

bool glob_special(char c) { return c == '*' || c == '?' || c == '[' || c == '\\'; }

bool in_named_class(std::string_view name, unsigned char c, bool* known) {
  *known = true;
  if (name == "alnum") return std::isalnum(c) != 0;
  if (name == "alpha") return std::isalpha(c) != 0;
  if (name == "blank") return c == ' ' || c == '\t';
  if (name == "cntrl") return std::iscntrl(c) != 0;
  if (name == "digit") return std::isdigit(c) != 0;
  if (name == "graph") return std::isgraph(c) != 0;
  if (name == "lower") return std::islower(c) != 0;
  if (name == "print") return std::isprint(c) != 0;
  if (name == "punct") return std::ispunct(c) != 0;
  if (name == "space") return std::isspace(c) != 0;
  if (name == "upper") return std::isupper(c) != 0;
  if (name == "xdigit") return std::isxdigit(c) != 0;
  *known = false;
  return false;
}

class Matcher {
 public:
  Matcher(std::string_view pattern, std::string_view text, bool pathname)
      : p_(pattern), t_(text), pathname_(pathname) {}

  Result match(size_t p, size_t t) const {
    for (; p < p_.size(); ++p, ++t) {
      const char pc = p_[p];
      if (t >= t_.size() && pc != '*') return Result::kAbortAll;
      switch (pc) {
        case '\\':
          // A trailing backslash matches nothing: there is no character for it to quote.
          if (++p >= p_.size() || t_[t] != p_[p]) return Result::kNoMatch;
          continue;
        case '?':
          if (pathname_ && t_[t] == '/') return Result::kNoMatch;
          continue;
        case '*':
          return match_star(p, t);  // the star decides the rest of the pattern
        case '[': {
          const Result r = match_class(&p, t);
          if (r != Result::kMatch) return r;
          continue;
        }
        default:
          if (t_[t] != pc) return Result::kNoMatch;
          continue;
      }
    }
    return t >= t_.size() ? Result::kMatch : Result::kNoMatch;
  }

 private:
  /// The star(s) at `p` against the text from `t`, and the rest of the pattern after them.
  Result match_star(size_t p, size_t t) const {
    const size_t first = p;
    while (p < p_.size() && p_[p] == '*') ++p;
    bool crosses_slash = !pathname_;
    if (pathname_ && p - first >= 2) {
      const bool starts_component = first == 0 || p_[first - 1] == '/';
      const bool ends_component = p == p_.size() || p_[p] == '/' ||
                                  (p + 1 < p_.size() && p_[p] == '\\' && p_[p + 1] == '/');
      if (starts_component && ends_component) {
        // "a/**/b": the "**/" may stand for no directory at all.
        if (p < p_.size() && p_[p] == '/' && match(p + 1, t) == Result::kMatch) return Result::kMatch;
        crosses_slash = true;
      }
    }
    if (p == p_.size()) {
      if (!crosses_slash && t_.find('/', t) != std::string_view::npos) return Result::kNoMatch;
      return Result::kMatch;
    }
    if (!crosses_slash && p_[p] == '/') {
      // One star then a slash: the star is the rest of this path component.
      const size_t slash = t_.find('/', t);
      if (slash == std::string_view::npos) return Result::kNoMatch;
      return match(p, slash);
    }
    for (; t < t_.size(); ++t) {
      if (!glob_special(p_[p])) {
        // A literal after the star: skip ahead to where it occurs (not past a '/' it cannot cross).
        while (t < t_.size() && (crosses_slash || t_[t] != '/') && t_[t] != p_[p]) ++t;
        if (t >= t_.size() || t_[t] != p_[p]) return Result::kNoMatch;
      }
      const Result r = match(p, t);
      if (r != Result::kNoMatch) {
        if (!crosses_slash || r != Result::kAbortToDoubleStar) return r;
      } else if (!crosses_slash && t_[t] == '/') {
        return Result::kAbortToDoubleStar;
      }
    }
    return Result::kAbortAll;
  }

  /// A bracket expression at `*p` against the text character at `t`; leaves `*p` on its ']'.
  Result match_class(size_t* p_at, size_t t) const {
    size_t p = *p_at + 1;
    const unsigned char c = static_cast<unsigned char>(t_[t]);
    auto at = [this](size_t i) -> unsigned char { return i < p_.size() ? static_cast<unsigned char>(p_[i]) : 0; };
    bool negated = false;
    if (at(p) == '!' || at(p) == '^') {
      negated = true;
      ++p;
    }
    bool matched = false;
    unsigned char previous = 0;  // the last single character, a range's possible start
    // The first character is a member even when it is ']' ("[]a]").
    for (bool first = true; first || at(p) != ']'; first = false, ++p) {
      unsigned char pc = at(p);
      if (p >= p_.size()) return Result::kAbortAll;  // no closing ']'
      if (pc == '\\') {
        if (++p >= p_.size()) return Result::kAbortAll;
        pc = at(p);
        if (c == pc) matched = true;
      } else if (pc == '-' && previous != 0 && p + 1 < p_.size() && at(p + 1) != ']') {
        unsigned char last = at(++p);
        if (last == '\\') {
          if (++p >= p_.size()) return Result::kAbortAll;
          last = at(p);
        }
        if (c >= previous && c <= last) matched = true;
        previous = 0;
        continue;
      } else if (pc == '[' && at(p + 1) == ':') {
        const size_t name_start = p + 2;
        size_t end = name_start;
        while (end < p_.size() && p_[end] != ']') ++end;
        if (end >= p_.size()) return Result::kAbortAll;
        if (end == name_start || p_[end - 1] != ':') {
          // No ":]": an ordinary '[' member, and the scan resumes after it.
          if (c == '[') matched = true;
          previous = '[';
          continue;
        }
        bool known = false;
        if (in_named_class(p_.substr(name_start, end - 1 - name_start), c, &known)) matched = true;
        if (!known) return Result::kAbortAll;
        p = end;
        previous = 0;
        continue;
      } else if (c == pc) {
        matched = true;
      }
      previous = pc;
    }
    *p_at = p;
    if (matched == negated || (pathname_ && c == '/')) return Result::kNoMatch;
    return Result::kMatch;
  }

  std::string_view p_;
  std::string_view t_;
  bool pathname_;
};

}  // namespace

bool git_wildmatch(std::string_view pattern, std::string_view text, bool pathname) {
  return Matcher(pattern, text, pathname).match(0, 0) == Result::kMatch;
}

}  // namespace app
