#include "core/mask.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

namespace core {
namespace {

constexpr size_t npos = std::string_view::npos;

/// [begin, end) of the input shown as kMask.
struct Span {
  size_t begin;
  size_t end;
};

bool is_line_break(char c) { return c == '\n' || c == '\r'; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }
bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Escape {
  char byte;
  size_t length;
};

/// A percent escape at `i`: `%3D`, and the re-encoded `%253D` / `%25253D` that
/// double URL encoding and GitHub's workflow-command escaping (`%` -> `%25`)
/// write for the same byte.
std::optional<Escape> percent_escape(std::string_view t, size_t i) {
  if (i >= t.size() || t[i] != '%') return std::nullopt;
  size_t pos = i + 1;
  for (int depth = 0; depth < 4; ++depth) {
    if (pos + 2 > t.size()) return std::nullopt;
    const int hi = hex_digit(t[pos]);
    const int lo = hex_digit(t[pos + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const char byte = static_cast<char>(hi * 16 + lo);
    pos += 2;
    const bool nested =
        byte == '%' && pos + 2 <= t.size() && hex_digit(t[pos]) >= 0 && hex_digit(t[pos + 1]) >= 0;
    if (!nested) return Escape{byte, pos - i};
  }
  return std::nullopt;
}

/// The first `c` at or after `from`, cached: the scans below move forward, so
/// all look-ups of one masking pass cost one walk over the text (a line with
/// thousands of URLs stays linear).
class NextOf {
 public:
  NextOf(std::string_view text, char c) : text_(text), c_(c) {}
  size_t operator()(size_t from) {
    if (!valid_ || from < from_ || (pos_ != npos && pos_ < from)) pos_ = text_.find(c_, from);
    from_ = from;
    valid_ = true;
    return pos_;
  }

 private:
  std::string_view text_;
  char c_;
  size_t pos_ = npos;
  size_t from_ = 0;
  bool valid_ = false;
};

/// A span that already reads as a mask (`***`, Markdown's `\*\*\*`, `@***` of
/// an empty password) is left as it is: idempotence.
bool already_masked(std::string_view s) {
  return !s.empty() && s.find_first_not_of("*\\@") == npos && s.find('*') != npos;
}

/// Placeholders of templates and f-strings: `{port}`, `${PORT}`, `%(port)s`,
/// `<port>`.
bool is_placeholder(std::string_view s) {
  if (s.size() < 2) return false;
  return (s.front() == '{' && s.back() == '}') || (s.front() == '<' && s.back() == '>') ||
         (s.front() == '$' && s.find_first_of(" '\"") == npos) ||
         (s.starts_with("%(") && s.back() == 's');
}

/// The end of an unquoted value: whitespace, quotes, `&`, `;`, `,`, `<`, `>`, a
/// backslash (never split a JSON escape), a line break.
bool ends_value(char c) {
  return is_line_break(c) || is_blank(c) || c == '&' || c == '"' || c == '\'' || c == '`' ||
         c == '\\' || c == '<' || c == '>' || c == ';' || c == ',';
}

class Masker {
 public:
  explicit Masker(std::string_view text)
      : t_(text), next_lf_(text, '\n'), next_cr_(text, '\r'), next_at_(text, '@') {}

  std::vector<Span> run() {
    bool token_start = true;
    size_t i = 0;
    while (i < t_.size()) {
      const char c = t_[i];
      if (c == ':' && t_.substr(i, 3) == "://") {
        i = scan_url(i + 3);
        token_start = true;
        continue;
      }
      if (c == '%') {
        const auto escape = percent_escape(t_, i);
        if (escape && !is_key_char(escape->byte)) {
          i += escape->length;
          token_start = true;
          continue;
        }
      }
      if (token_start && (is_key_char(c) || c == '%')) {
        std::string key;
        const size_t end = read_key(i, key);
        if (end > i) {
          if (is_secret_key(key)) {
            const size_t value = assignment(end);
            if (value != npos) {
              i = mask_value(value);
              token_start = true;
              continue;
            }
          }
          i = end;
          token_start = false;
          continue;
        }
      }
      token_start = !is_key_char(c);
      ++i;
    }
    return std::move(spans_);
  }

 private:
  size_t line_end(size_t from) { return std::min({next_lf_(from), next_cr_(from), t_.size()}); }

  /// True when the byte at `i` is escaped: an odd run of backslashes before it.
  bool escaped(size_t i) const {
    size_t run = 0;
    while (run < i && t_[i - 1 - run] == '\\') ++run;
    return run % 2 == 1;
  }

  void add(size_t begin, size_t end) {
    // Never split an escape pair (`\"` in JSON): a lone backslash left behind
    // would escape the string's closing quote, and the masked half of a pair is
    // no escape at all.
    if (begin < end && begin > 0 && escaped(begin)) ++begin;
    if (begin < end && end < t_.size() && escaped(end)) --end;
    if (begin >= end || already_masked(t_.substr(begin, end - begin))) return;
    spans_.push_back({begin, end});
  }

  /// Key characters, with `%XX` escapes of key characters decoded (parse_qsl
  /// decodes keys).
  size_t read_key(size_t i, std::string &key) const {
    while (i < t_.size()) {
      if (is_key_char(t_[i])) {
        key += static_cast<char>(std::tolower(static_cast<unsigned char>(t_[i])));
        ++i;
        continue;
      }
      const auto escape = percent_escape(t_, i);
      if (!escape || !is_key_char(escape->byte)) break;
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(escape->byte)));
      i += escape->length;
    }
    return i;
  }

  /// After a key: its closing quote, `=`/`==`/`:`/`%3D`, blanks; the start of
  /// the value or npos.
  size_t assignment(size_t j) const {
    if (j + 1 < t_.size() && t_[j] == '\\' && (t_[j + 1] == '"' || t_[j + 1] == '\''))
      j += 2;
    else if (j < t_.size() && (t_[j] == '"' || t_[j] == '\''))
      ++j;
    while (j < t_.size() && is_blank(t_[j])) ++j;
    if (j >= t_.size()) return npos;
    if (t_[j] == '=') {
      ++j;
      if (j < t_.size() && t_[j] == '=') ++j;
    } else if (t_[j] == ':') {
      if (t_.substr(j, 3) == "://") return npos;
      ++j;
    } else if (const auto escape = percent_escape(t_, j);
               escape && (escape->byte == '=' || escape->byte == ':')) {
      j += escape->length;
    } else {
      return npos;
    }
    while (j < t_.size() && is_blank(t_[j])) ++j;
    return j < t_.size() ? j : npos;
  }

  /// Masks the value at `v` (quoted, `{braced}` as ODBC writes it, or bare) and
  /// returns its end.
  size_t mask_value(size_t v) {
    const size_t le = line_end(v);
    std::string_view quote;
    if (v + 1 < le && t_[v] == '\\' && (t_[v + 1] == '"' || t_[v + 1] == '\''))
      quote = t_.substr(v, 2);
    else if (t_[v] == '"' || t_[v] == '\'' || t_[v] == '`')
      quote = t_.substr(v, 1);
    if (!quote.empty()) {
      const size_t close = closing_quote(v + quote.size(), le, quote);
      if (close != npos) {
        add(v + quote.size(), close);
        return close + quote.size();
      }
    }
    if (t_[v] == '{' || (percent_escape(t_, v) && percent_escape(t_, v)->byte == '{')) {
      const size_t close = closing_brace(v, le);
      if (close != npos) {
        add(v, close);
        return close;
      }
    }
    // Bare, or a quote that does not close on this line: the value runs to a
    // separator. One that starts with the mask was masked by an earlier pass,
    // whose span may have ended elsewhere.
    const size_t start = std::min(v + quote.size(), le);
    if (t_.substr(start, kMask.size()) == kMask) return start + kMask.size();
    size_t e = start;
    while (e < le && !ends_value(t_[e])) ++e;
    add(start, e);
    return std::max(e, v + 1);
  }

  /// The closing `quote` on this line, skipping backslash-escaped ones. A bare
  /// `"` may be crossed: in the line-per-value JSON this tool writes, nothing
  /// but `,` follows a string's closing quote.
  size_t closing_quote(size_t from, size_t le, std::string_view quote) const {
    for (size_t k = from; k < le; ++k) {
      if (t_[k] == '\\' && quote.size() == 1) {
        ++k;
        continue;
      }
      if (t_.substr(k, quote.size()) == quote) return k;
    }
    return npos;
  }

  /// ODBC's `{value}` (`}}` is a literal brace), raw or percent-encoded; the
  /// end past the brace.
  size_t closing_brace(size_t v, size_t le) const {
    size_t k = v + (t_[v] == '{' ? 1 : percent_escape(t_, v)->length);
    while (k < le) {
      const auto escape = percent_escape(t_, k);
      const char c = escape ? escape->byte : t_[k];
      const size_t len = escape ? escape->length : 1;
      if (c == '}') {
        const auto next = percent_escape(t_, k + len);
        const bool doubled = (k + len < le && t_[k + len] == '}') || (next && next->byte == '}');
        if (!doubled) return k + len;
        k += len + (k + len < le && t_[k + len] == '}' ? 1 : next->length);
        continue;
      }
      k += len;
    }
    return npos;
  }

  /// The text after `scheme://`. SQLAlchemy's `_parse_url` takes the username
  /// up to the first ':' or '/' and the password from that ':' up to the FIRST
  /// '@' (any byte, '/', '?', '#', spaces and quotes included); a raw '@' in a
  /// password moves its tail into the host. So at least that span is masked,
  /// and, in doubt, everything up to the last '@' of the URL's token (a
  /// password with a raw '@', a username with a '/'); a non-numeric "port" is a
  /// password whose host was cut off.
  size_t scan_url(size_t a) {
    const size_t le = line_end(a);
    size_t user_end = a;
    while (user_end < le && t_[user_end] != ':' && t_[user_end] != '/') ++user_end;
    size_t begin = npos;
    size_t end = npos;
    size_t first_colon = npos;
    size_t last_at = npos;
    if (user_end < le && t_[user_end] == ':') {
      if (const size_t at = next_at_(user_end + 1); at < le) {
        begin = user_end + 1;
        end = at;
        first_colon = user_end;
        last_at = at;
      }
    }
    // The URL's token: up to a blank, a quote or another URL; past SQLAlchemy's
    // password, which may hold those (so the token reads the same once that
    // password is masked: idempotence).
    size_t token_end = begin == npos ? a : end;
    while (token_end < le) {
      const char c = t_[token_end];
      if (is_blank(c) || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>') break;
      if (c == ':' && t_.substr(token_end, 3) == "://") break;
      if (c == '@') last_at = token_end;
      if (c == ':' && first_colon == npos) first_colon = token_end;
      ++token_end;
    }
    if (first_colon != npos && last_at != npos && first_colon < last_at) {
      begin = std::min(begin, first_colon + 1);
      end = end == npos ? last_at : std::max(end, last_at);
    }
    if (begin != npos && begin == end) {
      // `user:@...`: SQLAlchemy's password is empty, and the text after that
      // '@' may be the rest of one that held a raw '@': mask it to a blank or a
      // quote, or to the line's last '@' before a bare '"' (the end of a JSON
      // string), keeping the '@'.
      begin = end + 1;
      end = begin;
      while (end < le && !is_blank(t_[end]) && t_[end] != '"' && t_[end] != '\'' && t_[end] != '`')
        ++end;
      for (size_t k = begin; k < le && !(t_[k] == '"' && !escaped(k)); ++k) {
        if (t_[k] == '@') end = std::max(end, k);
      }
    }
    if (begin != npos) {
      add(begin, end);
      return std::max(end, begin);
    }
    mask_port(a, token_end);
    return a;
  }

  void mask_port(size_t a, size_t token_end) {
    size_t auth_end = a;
    while (auth_end < token_end && t_[auth_end] != '/' && t_[auth_end] != '?') ++auth_end;
    size_t colon = npos;
    if (a < auth_end && t_[a] == '[') {
      const size_t close = t_.substr(0, auth_end).find(']', a);
      if (close != npos && close + 1 < auth_end && t_[close + 1] == ':') colon = close + 1;
    } else {
      const size_t c = t_.substr(0, auth_end).find(':', a);
      if (c != npos) colon = c;
    }
    if (colon == npos) return;
    const std::string_view port = t_.substr(colon + 1, auth_end - colon - 1);
    if (port.empty() || port.find_first_not_of("0123456789") == npos || is_placeholder(port))
      return;
    if (port.starts_with(kMask)) return;  // masked by an earlier pass, which saw a shorter URL
    add(colon + 1, auth_end);
  }

  std::string_view t_;
  NextOf next_lf_;
  NextOf next_cr_;
  NextOf next_at_;
  std::vector<Span> spans_;
};

std::string apply(std::string_view text, std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(),
            [](const Span &a, const Span &b) { return a.begin < b.begin; });
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  bool masked_up_to_pos = false;
  for (const Span &s : spans) {
    if (s.end <= pos) continue;
    // Touching or overlapping spans read as one mask.
    if (s.begin > pos || !masked_up_to_pos) {
      out.append(text.substr(pos, std::max(s.begin, pos) - pos));
      out.append(kMask);
    }
    pos = s.end;
    masked_up_to_pos = true;
  }
  out.append(text.substr(pos));
  return out;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (const auto escape = percent_escape(s, i)) {
      out += escape->byte;
      i += escape->length - 1;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

bool is_secret_key(std::string_view key) {
  std::string k = percent_decode(key, true);
  for (char &c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::array<std::string_view, 16> kContains = {
      "password",   "passwd",    "passphrase", "pwd",           "secret",      "token",
      "apikey",     "api_key",   "api-key",    "credential",    "private_key", "privatekey",
      "access_key", "accesskey", "auth_key",   "sslkeypassword"};
  for (const std::string_view word : kContains) {
    if (k.find(word) != npos) return true;
  }
  // `pass`, `db_pass`, `pass.word`, `PW`: whole words only (`passive_deletes`,
  // `bypass` are not).
  size_t start = 0;
  while (start <= k.size()) {
    size_t stop = k.find_first_of("_-. ", start);
    if (stop == npos) stop = k.size();
    const std::string_view word = std::string_view(k).substr(start, stop - start);
    if (word == "pass" || word == "pw" || word == "psw" || word == "pword") return true;
    start = stop + 1;
  }
  return false;
}

std::string mask_secrets(std::string_view text) {
  // A mask can change what the rules see around it (a masked value no longer
  // holds the '/' that ended a URL's authority), so they are applied until
  // nothing changes: masking only grows, and a second pass over already masked
  // text is what makes the result idempotent.
  std::string out = apply(text, Masker(text).run());
  for (int pass = 0; pass < 8; ++pass) {
    std::string next = apply(out, Masker(out).run());
    if (next == out) break;
    out = std::move(next);
  }
  return out;
}

std::string mask_url(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == npos) return mask_secrets(url);
  std::vector<Span> spans;
  const size_t a = sep + 3;
  size_t user_end = a;
  while (user_end < url.size() && url[user_end] != ':' && url[user_end] != '/') ++user_end;
  const size_t last_at = url.rfind('@');
  size_t host_begin = a;
  if (last_at != npos && last_at >= a) {
    // SQLAlchemy's password ends at the first '@'; in a whole literal, the last
    // one ends it here.
    const size_t colon =
        user_end < url.size() && url[user_end] == ':' ? user_end : url.find(':', a);
    if (colon != npos && colon < last_at) spans.push_back({colon + 1, last_at});
    host_begin = last_at + 1;
  }
  // parse_qsl: pairs split on '&', keys percent-decoded ('+' is a space); the
  // value runs to '&'. The query starts at the first '?' after SQLAlchemy's
  // userinfo (its password ends at the FIRST
  // '@'), and, in doubt, also at the first '?' after the last '@'.
  const size_t first_at =
      user_end < url.size() && url[user_end] == ':' ? url.find('@', user_end) : npos;
  for (const size_t from : {first_at == npos ? a : first_at + 1, host_begin}) {
    const size_t q = url.find('?', from);
    if (q == npos) continue;
    size_t start = q + 1;
    while (start < url.size()) {
      size_t stop = url.find('&', start);
      if (stop == npos) stop = url.size();
      const std::string_view pair = url.substr(start, stop - start);
      const size_t eq = pair.find('=');
      if (eq != npos && eq + 1 < pair.size() && is_secret_key(pair.substr(0, eq))) {
        spans.push_back({start + eq + 1, stop});
      }
      start = stop + 1;
    }
  }
  return mask_secrets(apply(url, std::move(spans)));
}

}  // namespace core
