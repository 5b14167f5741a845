#include "report/excerpt.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "core/mask.h"
#include "core/printable.h"

namespace report {
namespace {

constexpr size_t kTabWidth = 4;
constexpr size_t kMaxBefore = 80;  ///< code points kept before the span of a long line
constexpr size_t kMaxSpan = 80;
constexpr size_t kMaxAfter = 40;

/// The byte length of the UTF-8 sequence starting with `lead` (1 for a stray byte, which
/// core::printable then shows as `\xNN`).
size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

/// Code points in UTF-8 text: the columns it takes (wide characters count one, as positions do).
size_t width(std::string_view text) {
  size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// The line as display pieces, one per code point: a tab is spaces to the next tab stop, a control
/// character its escape (`\x1B`), anything else itself.
std::vector<std::string> pieces(std::string_view line) {
  std::vector<std::string> out;
  size_t column = 0;
  for (size_t i = 0; i < line.size();) {
    const size_t len = std::min(sequence_length(static_cast<unsigned char>(line[i])), line.size() - i);
    std::string piece = line[i] == '\t' ? std::string(kTabWidth - column % kTabWidth, ' ')
                                        : core::printable(line.substr(i, len));
    column += width(piece);
    out.push_back(std::move(piece));
    i += len;
  }
  return out;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

/// The identifier (or quoted key) right before `at` and its `=` / `:`: `password = `, `"pwd": `.
std::string key_before(std::string_view line, size_t at) {
  size_t i = at;
  while (i > 0 && line[i - 1] == ' ') --i;
  if (i == 0 || (line[i - 1] != '=' && line[i - 1] != ':')) return "";
  --i;
  while (i > 0 && line[i - 1] == ' ') --i;
  if (i > 0 && (line[i - 1] == '"' || line[i - 1] == '\'')) --i;
  const size_t end = i;
  while (i > 0 && word_char(line[i - 1])) --i;
  return std::string(line.substr(i, end - i));
}

/// A source line with its secrets masked. The free-text masker cannot know where a value in a
/// raw line ends (`?sslpassword=a b` ends at its quote), so each quoted value is masked whole, as
/// the model masks a literal: a URL by core::mask_url, the value of a password-like key entirely;
/// an unquoted `key = value` (ini, .env) likewise up to the end of the line. Then mask_secrets.
/// An unterminated quote runs to the end, so a prefix cut inside a literal masks the same way.
std::optional<std::string> mask_assignment(std::string_view line) {
  const size_t eq = line.find_first_of("=:");
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  std::string_view key = line.substr(0, eq);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  const bool plain_key = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) { return word_char(c) || c == '.'; });
  size_t v = eq + 1;
  while (v < line.size() && line[v] == ' ') ++v;
  const std::string_view value = line.substr(v);
  if (!plain_key || value.empty()) return std::nullopt;
  if (core::is_secret_key(key.substr(key.rfind('.') == std::string_view::npos ? 0 : key.rfind('.') + 1))) {
    return std::string(line.substr(0, v)) + std::string(core::kMask);
  }
  if (value.find("://") != std::string_view::npos) return std::string(line.substr(0, v)) + core::mask_url(value);
  return std::nullopt;
}

/// A source line with its secrets masked. The free-text masker cannot know where a value in a
/// raw line ends (`?sslpassword=a b` ends at its quote), so values are masked whole, as the model
/// masks a literal: `key = value` (Python, ini, .env) with a password-like key entirely and one
/// holding a URL by core::mask_url up to the end of the line; otherwise each quoted value the same
/// way. An unterminated quote runs to the end, so a prefix cut inside a literal masks alike.
std::string mask_line(std::string_view line) {
  if (std::optional<std::string> assigned = mask_assignment(line)) return core::mask_secrets(*assigned);
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    const char q = line[i];
    if (q != '"' && q != '\'') {
      out += q;
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < line.size() && line[end] != q) end += line[end] == '\\' ? size_t{2} : size_t{1};
    end = std::min(end, line.size());
    const std::string_view value = line.substr(i + 1, end - i - 1);
    const std::string key = key_before(line, i);
    out += q;
    if (!key.empty() && core::is_secret_key(key) && !value.empty()) out += core::kMask;
    else if (value.find("://") != std::string_view::npos) out += core::mask_url(value);
    else out += value;
    if (end < line.size()) out += q;
    i = end + 1;
  }
  return core::mask_secrets(out);
}

std::string join(const std::vector<std::string>& parts, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < parts.size(); ++i) out += parts[i];
  return out;
}

}  // namespace

std::string render_excerpt(std::string_view line, uint32_t line_number, uint32_t begin_column,
                           uint32_t end_column, const ExcerptColors& colors) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  const std::vector<std::string> parts = pieces(line);
  size_t content_end = parts.size();
  while (content_end > 0 && parts[content_end - 1].find_first_not_of(' ') == std::string::npos) --content_end;
  const size_t begin = std::min<size_t>(begin_column > 0 ? begin_column - 1 : 0, parts.size());
  size_t end = end_column > begin_column ? std::min<size_t>(end_column - 1, parts.size()) : content_end;
  end = std::max(end, begin);
  // Long lines (generated code, minified settings) are cut around the span.
  const size_t from = begin > kMaxBefore ? begin - kMaxBefore : 0;
  const size_t span_end = std::min(end, begin + kMaxSpan);
  const size_t to = std::min(parts.size(), span_end + kMaxAfter);
  const std::string prefix = (from > 0 ? "…" : "") + join(parts, from, begin);
  const std::string span = join(parts, begin, span_end);
  const std::string text = prefix + span + join(parts, span_end, to) + (to < parts.size() ? "…" : "");
  // Masked here, before the carets are placed: the output's masker would shorten a password
  // before the span and leave the carets under the wrong text. When a secret straddles the start
  // of the span, the carets stay where the unmasked text had them.
  const std::string masked = mask_line(text);
  size_t caret_at = width(prefix);
  size_t carets = std::max<size_t>(width(span), 1);
  const std::string masked_prefix = mask_line(prefix);
  if (masked != text && masked.rfind(masked_prefix, 0) == 0) {
    caret_at = width(masked_prefix);
    const size_t through_span = width(mask_line(prefix + span));
    carets = std::max<size_t>(through_span > caret_at ? through_span - caret_at : 1, 1);
  }
  const std::string number = std::to_string(line_number);
  const std::string blank(number.size(), ' ');
  std::string out;
  out += std::string(colors.gutter) + blank + " |" + colors.reset + "\n";
  out += std::string(colors.gutter) + number + " |" + colors.reset + (masked.empty() ? "" : " ") + masked + "\n";
  out += std::string(colors.gutter) + blank + " |" + colors.reset + " " + std::string(caret_at, ' ') + colors.caret +
         std::string(carets, '^') + colors.reset + "\n";
  out += std::string(colors.gutter) + blank + " |" + colors.reset + "\n";
  return out;
}

}  // namespace report
