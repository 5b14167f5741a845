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
      // ruff: codes run until the first token that is not a code ("# noqa: E501 some text").
      for (const std::string& id : split_ids(s.substr(1))) {
        const bool code = !id.empty() && std::isalpha(static_cast<unsigned char>(id[0])) &&
                          std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
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

bool is_rule_code(std::string_view id) { return rules::find_rule(id) != nullptr; }

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
  if (!d.own_line) return line == first || line == last;
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
  std::set<size_t> hashes;
  for (std::string_view marker : {"poolaudit:", "noqa", "NOQA", "Noqa", "NoQA"}) {
    for (size_t hit = text.find(marker); hit != std::string_view::npos; hit = text.find(marker, hit + 1)) {
      const size_t line_start = text.rfind('\n', hit) == std::string_view::npos ? 0 : text.rfind('\n', hit) + 1;
      const size_t hash = text.rfind('#', hit);
      if (hash == std::string_view::npos || hash < line_start) continue;
      if (!is_comment(static_cast<uint32_t>(hash)) || !hashes.insert(hash).second) continue;
      size_t end = text.find_first_of("#\n", hash + 1);
      if (end == std::string_view::npos) end = text.size();
      std::optional<Directive> d = parse_segment(text.substr(hash, end - hash));
      if (!d) continue;
      d->where = source.location(static_cast<uint32_t>(hash), static_cast<uint32_t>(end));
      const size_t first = text.find_first_not_of(" \t", line_start);
      d->own_line = first != std::string_view::npos && text[first] == '#' &&
                    is_comment(static_cast<uint32_t>(first));
      out.push_back(std::move(*d));
    }
  }
  std::sort(out.begin(), out.end(), [](const Directive& a, const Directive& b) { return a.where.range < b.where.range; });
  return out;
}

std::vector<Directive> scan_python_directives(const core::SourceFile& source, ts::Node root) {
  return scan_directives(source, [&](uint32_t offset) {
    const ts::Node node(ts_node_descendant_for_byte_range(root.raw(), offset, offset + 1));
    return node && std::string_view(node.type()) == "comment";
  });
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
