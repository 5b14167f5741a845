#include "app/git_config.h"

#include <algorithm>
#include <cctype>

namespace app {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

/// A value from `text[i]` to its end of line (continued lines joined): quotes removed, escapes
/// resolved, unquoted comments and trailing blanks dropped. Leaves `i` after the line.
std::string read_value(std::string_view text, size_t& i) {
  std::string out;
  size_t kept = 0;  // out's length up to the last character that was quoted or not blank
  bool quoted = false;
  while (i < text.size() && blank(text[i])) ++i;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++i;
      break;
    }
    if (!quoted && (c == '#' || c == ';')) {
      // A comment ends the value and the line.
      while (i < text.size() && text[i] != '\n') ++i;
      if (i < text.size()) ++i;
      break;
    }
    if (c == '"') {
      quoted = !quoted;
      kept = out.size();
      continue;
    }
    if (c == '\\' && i + 1 < text.size()) {
      const char next = text[++i];
      if (next == '\n') continue;  // a continued line
      out += next == 'n' ? '\n' : next == 't' ? '\t' : next == 'b' ? '\b' : next;
      kept = out.size();
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += c;
    if (quoted || !blank(c)) kept = out.size();
  }
  out.resize(kept);
  return out;
}

void skip_line(std::string_view text, size_t& i) {
  while (i < text.size() && text[i] != '\n') ++i;
  if (i < text.size()) ++i;
}

}  // namespace

std::optional<std::string> config_excludes_file(std::string_view text) {
  std::optional<std::string> found;
  bool in_core = false;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (blank(text[i]) || text[i] == '\r' || text[i] == '\n')) ++i;
    if (i >= text.size()) break;
    if (text[i] == '#' || text[i] == ';') {
      skip_line(text, i);
      continue;
    }
    if (text[i] == '[') {
      const size_t close = text.find(']', i);
      const size_t newline = text.find('\n', i);
      if (close == std::string_view::npos || close > newline) {
        in_core = false;  // a broken header: git rejects the file; take nothing from what follows
        skip_line(text, i);
        continue;
      }
      // "[core]" only: "[core \"x\"]" is a subsection, "[core.x]" another section.
      std::string_view header = text.substr(i + 1, close - i - 1);
      while (!header.empty() && blank(header.front())) header.remove_prefix(1);
      while (!header.empty() && blank(header.back())) header.remove_suffix(1);
      in_core = lower(header) == "core";
      i = close + 1;  // a key may follow on the same line
      continue;
    }
    size_t end = i;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-')) ++end;
    const std::string key = lower(text.substr(i, end - i));
    i = end;
    while (i < text.size() && blank(text[i])) ++i;
    if (key.empty() || i >= text.size() || text[i] != '=') {
      skip_line(text, i);  // a boolean key without '=', or nothing git would read as a key
      continue;
    }
    ++i;
    std::string value = read_value(text, i);
    if (in_core && key == "excludesfile") found = std::move(value);
  }
  return found;
}

}  // namespace app
