#include "app/suppressions.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "app/diagnostics.h"

namespace app {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

/// Splits "PA101, PA102 PA103" into ids.
std::vector<std::string> split_ids(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

/// Parses one `#` segment of a comment ("# noqa: PA101", "# poolaudit: ignore[PA101] -- why").
std::optional<Directive> parse_segment(std::string_view segment) {
  std::string_view s = trim(segment.substr(1));  // after '#'
  Directive d;
  if (starts_with_nocase(s, "noqa")) {
    s = trim(s.substr(4));
    d.kind = Directive::Kind::kNoqa;
    if (!s.empty() && s.front() == ':') {
      // ruff: codes ([A-Z]+[0-9]+) run until the first token that is not one ("# noqa: E501 why").
      for (const std::string& id : split_ids(s.substr(1))) {
        const size_t digits = id.find_first_of("0123456789");
        const bool code = digits != std::string::npos && digits > 0 &&
                          std::all_of(id.begin(), id.begin() + static_cast<std::ptrdiff_t>(digits),
                                      [](char c) { return c >= 'A' && c <= 'Z'; }) &&
                          id.find_first_not_of("0123456789", digits) == std::string::npos;
        if (!code) break;
        d.codes.push_back(id);
      }
    } else if (!s.empty() && std::isalnum(static_cast<unsigned char>(s.front()))) {
      return std::nullopt;  // "# noqaxyz" is not a noqa
    }
    return d;
  }
  if (!starts_with_nocase(s, "poolaudit:")) return std::nullopt;
  s = trim(s.substr(10));
  if (s.rfind("file-ignore", 0) == 0) {
    d.kind = Directive::Kind::kFileIgnore;
    s = trim(s.substr(11));
  } else if (s.rfind("ignore", 0) == 0) {
    s = trim(s.substr(6));
  } else {
    d.problem = "unknown poolaudit comment; use # poolaudit: ignore[PA101] or # poolaudit: file-ignore[PA101]";
    return d;
  }
  const size_t close = s.find(']');
  if (s.empty() || s.front() != '[' || close == std::string_view::npos) {
    d.problem = "suppression without rule ids; write # poolaudit: " +
                std::string(d.kind == Directive::Kind::kFileIgnore ? "file-ignore" : "ignore") + "[PA101]";
    return d;
  }
  d.codes = split_ids(s.substr(1, close - 1));
  if (d.codes.empty()) d.problem = "suppression without rule ids";
  std::string_view rest = trim(s.substr(close + 1));
  if (rest.rfind("--", 0) == 0) d.reason = std::string(trim(rest.substr(2)));
  return d;
}

/// A comment that may hold a directive: "poolaudit:" or "noqa" in any case.
bool has_marker(std::string_view comment) {
  if (comment.find("poolaudit:") != std::string_view::npos) return true;
  for (size_t i = comment.find_first_of("nN"); i != std::string_view::npos; i = comment.find_first_of("nN", i + 1)) {
    if (starts_with_nocase(comment.substr(i), "noqa")) return true;
  }
  return false;
}

/// Suppression comments name rules exactly as they are spelt (covers_code compares the code).
bool is_rule_code(std::string_view id) {
  const rules::Rule* rule = rules::find_rule(id);
  return rule != nullptr && (rule->info.code == id || rule->info.name == id);
}

/// `# noqa` codes of other tools (E501, F401) are theirs; only PA codes are checked.
bool is_pa_code(std::string_view id) {
  return id.size() > 2 && id.substr(0, 2) == "PA" &&
         std::all_of(id.begin() + 2, id.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool covers_code(const Directive& d, std::string_view code) {
  if (d.kind == Directive::Kind::kNoqa && d.codes.empty()) return true;  // bare noqa: every rule, as ruff
  return std::find(d.codes.begin(), d.codes.end(), code) != d.codes.end();
}

/// The directive applies to a finding spanning lines [first, last]: on its first or last line,
/// or (poolaudit ignore only) in the block of comment-only suppression lines right above it.
bool covers_lines(const Directive& d, uint32_t first, uint32_t last, const std::set<uint32_t>& own_lines) {
  if (d.kind == Directive::Kind::kFileIgnore) return true;
  const uint32_t line = d.where.range.begin.line;
  if (!d.own_line) return line == last || (first >= d.first_line && first <= d.last_line);
  if (d.kind != Directive::Kind::kIgnore || line >= first) return false;
  for (uint32_t l = line; l < first; ++l) {
    if (!own_lines.count(l)) return false;
  }
  return true;
}

/// Files outside the file phase (YAML, TOML, Dockerfiles): a `#` at a line start or after a blank.
std::vector<Directive> scan_other_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  const core::SourceFile source(path, text.str());
  const std::string_view t = source.text();
  return scan_directives(source, [t](uint32_t offset) {
    return offset == 0 || t[offset - 1] == ' ' || t[offset - 1] == '\t' || t[offset - 1] == '\n';
  });
}

}  // namespace

std::vector<Directive> scan_directives(const core::SourceFile& source, const std::function<bool(uint32_t)>& is_comment) {
  std::vector<Directive> out;
  const std::string_view text = source.text();
  // One memchr pass over '#', then only the rest of those lines: comments are a small part of a
  // file, and the tree (is_comment) is asked only about lines that carry a marker.
  size_t next = 0;
  for (size_t hash = text.find('#'); hash != std::string_view::npos; hash = text.find('#', next)) {
    size_t line_end = text.find('\n', hash);
    if (line_end == std::string_view::npos) line_end = text.size();
    next = line_end;
    if (!has_marker(text.substr(hash, line_end - hash))) continue;
    // "# noqa: E501  # poolaudit: ignore[PA101]": every '#' segment of the comment. Other tools'
    // `# noqa: E501` are dropped before the tree is asked anything.
    std::vector<Directive> found;
    for (size_t at = hash; at < line_end;) {
      size_t end = text.find('#', at + 1);
      if (end == std::string_view::npos || end > line_end) end = line_end;
      std::optional<Directive> d = parse_segment(text.substr(at, end - at));
      if (d && (d->kind != Directive::Kind::kNoqa || d->codes.empty() ||
                std::any_of(d->codes.begin(), d->codes.end(), is_pa_code))) {
        d->where = source.location(static_cast<uint32_t>(at), static_cast<uint32_t>(end));
        d->byte = static_cast<uint32_t>(at);
        d->first_line = d->last_line = d->where.range.begin.line;
        found.push_back(std::move(*d));
      }
      at = end;
    }
    if (found.empty()) continue;
    // A '#' inside a string is not a comment; the comment, if any, starts at a later '#' of the
    // line and runs to its end. One look per '#' keeps a long line of such strings linear.
    size_t comment = hash;
    while (comment < line_end && !is_comment(static_cast<uint32_t>(comment))) {
      comment = text.find('#', comment + 1);
      if (comment == std::string_view::npos) comment = line_end;
    }
    if (comment >= line_end) continue;
    std::erase_if(found, [&](const Directive& d) { return d.byte < comment; });
    const size_t line_start = source.line_start(static_cast<uint32_t>(hash));
    const size_t first = text.find_first_not_of(" \t", line_start);
    const bool own_line = first == comment || (text[first] == '#' && is_comment(static_cast<uint32_t>(first)));
    for (Directive& d : found) {
      d.own_line = own_line;
      out.push_back(std::move(d));
    }
  }
  return out;
}

namespace {

uint32_t first_row(ts::Node n) { return n.start_point().row + 1; }
uint32_t last_row(ts::Node n) { return n.end_point().row + 1; }

/// The simple statement (`x = f(...)`, `return ...`) holding `byte`; null when the byte belongs to
/// a compound statement's own syntax (a `with` / `if` header is covered by its own line only).
/// One cursor descent: ts_node_parent() would start from the root at every step.
ts::Node simple_statement_at(ts::Node root, uint32_t byte) {
  ts::Cursor cursor(root);
  ts::Node found;
  while (cursor.goto_first_child_for_byte(byte)) {
    const ts::Node node = cursor.node();
    if (node.start_byte() > byte) break;
    const std::string_view type = node.type();
    if (type == "block" || type.ends_with("_definition")) found = {};
    if (!type.ends_with("_statement")) continue;
    bool compound = false;
    for (std::string_view prefix : {"if_", "for_", "while_", "try_", "with_", "match_"}) compound = compound || type.starts_with(prefix);
    found = compound ? ts::Node() : node;
  }
  return found;
}

}  // namespace

std::vector<Directive> scan_python_directives(const core::SourceFile& source, ts::Node root) {
  std::vector<Directive> out = scan_directives(source, [&](uint32_t offset) {
    const ts::Node node = root.descendant_for_byte_range(offset, offset + 1);
    return node && std::string_view(node.type()) == "comment";
  });
  const std::string_view text = source.text();
  for (Directive& d : out) {
    if (d.own_line) continue;
    const uint32_t line = d.where.range.begin.line;
    const std::string_view line_text = source.line_text(line);
    const auto line_offset = static_cast<size_t>(line_text.data() - text.data());
    // "x = {  # poolaudit: ignore[...]" starts a statement whose finding may begin further down.
    const size_t indent = line_text.find_first_not_of(" \t");
    if (const ts::Node s = simple_statement_at(root, static_cast<uint32_t>(line_offset + indent)); s && first_row(s) == line) {
      d.last_line = last_row(s);
    }
    // "}  # poolaudit: ignore[...]" ends one.
    const size_t code_end = text.find_last_not_of(" \t", d.byte - 1);
    if (code_end == std::string_view::npos || code_end < line_offset) continue;
    if (const ts::Node s = simple_statement_at(root, static_cast<uint32_t>(code_end)); s && last_row(s) == line) {
      d.first_line = first_row(s);
    }
  }
  return out;
}

std::vector<Directive> scan_ini_directives(const core::SourceFile& source) {
  const std::string_view text = source.text();
  return scan_directives(source, [text](uint32_t offset) {
    size_t i = offset;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
    return i == 0 || text[i - 1] == '\n';
  });
}

void apply_suppressions(std::vector<core::Finding>& findings, DirectiveMap& directives,
                        const std::vector<const rules::Rule*>& selected, bool report_unused,
                        std::vector<core::Finding>& diagnostics) {
  for (const core::Finding& f : findings) {
    if (!directives.count(f.where.path)) directives[f.where.path] = scan_other_file(f.where.path);
  }
  // used[path][i] holds the codes directive i suppressed.
  std::map<std::string, std::vector<std::set<std::string>>> used;
  std::map<std::string, std::set<uint32_t>> own_lines;
  for (auto& [path, list] : directives) {
    used[path].resize(list.size());
    for (const Directive& d : list) {
      if (d.own_line && d.kind == Directive::Kind::kIgnore) own_lines[path].insert(d.where.range.begin.line);
    }
  }
  for (core::Finding& f : findings) {
    if (f.suppressed) continue;
    const std::vector<Directive>& list = directives[f.where.path];
    for (size_t i = 0; i < list.size(); ++i) {
      const Directive& d = list[i];
      if (!d.problem.empty() || !covers_code(d, f.code)) continue;
      if (!covers_lines(d, f.where.range.begin.line, f.where.range.end.line, own_lines[f.where.path])) continue;
      // Every directive that covers the finding counts as used; the first one names how.
      if (!f.suppressed) {
        f.suppressed = true;
        f.suppression = d.kind == Directive::Kind::kNoqa ? "noqa" : d.kind == Directive::Kind::kFileIgnore ? "file-ignore" : "ignore";
      }
      used[f.where.path][i].insert(f.code);
    }
  }
  for (const auto& [path, list] : directives) {
    for (size_t i = 0; i < list.size(); ++i) {
      const Directive& d = list[i];
      if (!d.problem.empty()) {
        diagnostics.push_back(diagnostic(kBadSuppression, d.where, d.problem));
        continue;
      }
      for (const std::string& code : d.codes) {
        const bool ours = d.kind != Directive::Kind::kNoqa || is_pa_code(code);
        if (!ours) continue;
        if (!is_rule_code(code)) {
          diagnostics.push_back(diagnostic(kBadSuppression, d.where,
                                           "unknown rule id " + code + " in a suppression; it silences nothing (see --list-rules)"));
          continue;
        }
        const bool is_selected = std::any_of(selected.begin(), selected.end(),
                                             [&](const rules::Rule* r) { return r->info.code == code; });
        if (report_unused && is_selected && !used.at(path)[i].count(code)) {
          diagnostics.push_back(diagnostic(kUnusedSuppression, d.where, "unused suppression: no " + code + " finding here"));
        }
      }
    }
  }
}

}  // namespace app
