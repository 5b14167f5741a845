// Text edits over the anchors of edit_anchors.h: keyword arguments dropped, added or replaced in a
// call as it is written (its layout, quotes, trailing commas and comments kept), and names spelled
// through the module's own imports. Pure functions of the anchors: the tree is gone by now.
#include <algorithm>

#include "core/text.h"
#include "sqla/edit_anchors.h"

namespace sqla {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

/// The argument list's text around an absolute byte.
struct ListText {
  const CallLayout& call;
  std::string_view text() const { return call.text; }
  size_t rel(uint32_t absolute) const { return absolute - call.begin; }
  uint32_t abs(size_t relative) const { return call.begin + static_cast<uint32_t>(relative); }
  /// The start of the line holding `at` inside the list, or npos when the line starts before `(`.
  size_t line_start(size_t at) const {
    const size_t nl = text().rfind('\n', at == 0 ? 0 : at - 1);
    return nl == std::string_view::npos || at == 0 ? std::string_view::npos : nl + 1;
  }
  /// Only blanks between the line start and `at`.
  bool starts_line(size_t at) const {
    const size_t start = line_start(at);
    if (start == std::string_view::npos) return false;
    for (size_t i = start; i < at; ++i) {
      if (!blank(text()[i])) return false;
    }
    return true;
  }
  /// After `at`: an optional comma, blanks and an optional comment, then a line ending. Returns the
  /// byte after that line ending, or npos.
  size_t line_rest_end(size_t at) const {
    size_t i = at;
    while (i < text().size() && blank(text()[i])) ++i;
    if (i < text().size() && text()[i] == ',') ++i;
    while (i < text().size() && blank(text()[i])) ++i;
    if (i < text().size() && text()[i] == '#') i = text().find('\n', i);
    if (i == std::string_view::npos || i >= text().size()) return std::string_view::npos;
    if (text()[i] == '\r' && i + 1 < text().size() && text()[i + 1] == '\n') ++i;
    return text()[i] == '\n' ? i + 1 : std::string_view::npos;
  }
  /// The end of an argument's trailing comma (or the argument's end without one).
  size_t after_comma(size_t end) const {
    size_t i = end;
    while (i < text().size() && blank(text()[i])) ++i;
    return i < text().size() && text()[i] == ',' ? i + 1 : end;
  }
};

bool overlaps(const TextEdit& a, const TextEdit& b) {
  if (a.begin == a.end || b.begin == b.end) return a.begin < b.end && b.begin < a.end;
  return a.begin < b.end && b.begin < a.end;
}

}  // namespace

const ArgumentSpan* CallLayout::keyword(std::string_view name) const {
  for (const ArgumentSpan& a : args) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

core::Position CallLayout::position(uint32_t absolute) const {
  core::Position p = open;
  for (size_t i = 0; i + begin < absolute && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

const CallLayout* EditAnchors::call_at(core::Position where) const {
  // Collected in file order (edit_anchors.cpp).
  const auto it = std::lower_bound(calls.begin(), calls.end(), where,
                                   [](const CallLayout& c, core::Position p) { return c.call < p; });
  return it != calls.end() && it->call == where ? &*it : nullptr;
}

bool EditAnchors::bound(std::string_view name) const {
  return std::find(globals.begin(), globals.end(), name) != globals.end();
}

std::optional<Spelling> spell(const EditAnchors& anchors, std::string_view qualified, uint32_t use_at) {
  const size_t dot = qualified.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view module = qualified.substr(0, dot);
  const std::string_view name = qualified.substr(dot + 1);
  const std::string_view top = qualified.substr(0, qualified.find('.'));
  const ImportBinding* by_module = nullptr;
  const ImportBinding* by_top = nullptr;
  for (const ImportBinding& b : anchors.imports) {
    if (b.statement_begin >= use_at) continue;
    if (b.target == qualified) return Spelling{b.local, std::nullopt};
    if (b.target == module && !by_module) by_module = &b;
    // `import sqlalchemy as sa` reaches sqlalchemy.pool: the package imports its pool module.
    if (b.target == top && module == std::string(top) + ".pool" && !by_top) by_top = &b;
  }
  if (by_module) return Spelling{by_module->local + "." + std::string(name), std::nullopt};
  if (by_top) return Spelling{by_top->local + "." + std::string(qualified.substr(top.size() + 1)), std::nullopt};
  // The name means something else here (an import of the same name further down is fine).
  const bool same_import = std::any_of(anchors.imports.begin(), anchors.imports.end(), [&](const ImportBinding& b) {
    return b.local == name && b.target == qualified;
  });
  if (anchors.bound(name) && !same_import) return std::nullopt;
  const ImportBinding* after = nullptr;
  for (const ImportBinding& b : anchors.imports) {
    if (b.statement_begin >= use_at || b.next_line == 0) continue;
    const bool same_top = b.target == top || b.target.rfind(std::string(top) + ".", 0) == 0;
    if (same_top || !after || (after->target != top && after->target.rfind(std::string(top) + ".", 0) != 0)) {
      after = &b;
    }
  }
  if (!after) return std::nullopt;
  // Imports of one statement share its line: insert after the last of them.
  const core::Position line{after->next_line_number, 1};
  return Spelling{std::string(name),
                  TextEdit{after->next_line, after->next_line,
                           "from " + std::string(module) + " import " + std::string(name) + "\n", {line, line}}};
}

std::optional<std::vector<TextEdit>> keyword_edits(const CallLayout& call, const std::vector<std::string>& drop,
                                                   std::string_view set, std::string_view value) {
  const ListText list{call};
  std::vector<size_t> dropped;
  for (const std::string& name : drop) {
    auto it = std::find_if(call.args.begin(), call.args.end(), [&](const ArgumentSpan& a) { return a.name == name; });
    if (it == call.args.end()) return std::nullopt;
    dropped.push_back(static_cast<size_t>(it - call.args.begin()));
  }
  std::sort(dropped.begin(), dropped.end());
  dropped.erase(std::unique(dropped.begin(), dropped.end()), dropped.end());
  std::vector<TextEdit> edits;
  const std::string keyword = set.empty() ? std::string() : std::string(set) + "=" + std::string(value);
  if (!set.empty()) {
    if (const ArgumentSpan* existing = call.keyword(set)) {
      if (std::find(drop.begin(), drop.end(), std::string(set)) != drop.end()) return std::nullopt;
      edits.push_back(TextEdit{existing->value_begin, existing->value_end, std::string(value), {}});
    } else if (!dropped.empty()) {
      const ArgumentSpan& first = call.args[dropped.front()];
      edits.push_back(TextEdit{first.begin, first.end, keyword, {}});
      dropped.erase(dropped.begin());
    } else {
      // Appended after the last argument, in the list's layout.
      const size_t close = call.text.size() - 1;
      if (call.args.empty()) {
        edits.push_back(TextEdit{list.abs(close), list.abs(close), keyword, {}});
      } else {
        const ArgumentSpan& last = call.args.back();
        const size_t end = list.rel(last.end);
        const size_t next_line = list.line_rest_end(end);
        if (list.starts_line(list.rel(last.begin)) && next_line != std::string_view::npos) {
          const size_t start = list.line_start(list.rel(last.begin));
          const std::string indent(call.text.substr(start, list.rel(last.begin) - start));
          if (list.after_comma(end) == end) edits.push_back(TextEdit{last.end, last.end, ",", {}});
          edits.push_back(TextEdit{list.abs(next_line), list.abs(next_line), indent + keyword + ",\n", {}});
        } else {
          edits.push_back(TextEdit{last.end, last.end, ", " + keyword, {}});
        }
      }
    }
  }
  // Dropped arguments: a line each when alone on it, else runs with the separating comma.
  std::vector<bool> gone(call.args.size(), false);
  for (size_t i : dropped) gone[i] = true;
  std::vector<TextEdit> removals;
  std::vector<size_t> inline_dropped;
  for (size_t i : dropped) {
    const ArgumentSpan& a = call.args[i];
    const size_t begin = list.rel(a.begin);
    const size_t next_line = list.line_rest_end(list.rel(a.end));
    if (list.starts_line(begin) && next_line != std::string_view::npos) {
      removals.push_back(TextEdit{list.abs(list.line_start(begin)), list.abs(next_line), "", {}});
    } else {
      inline_dropped.push_back(i);
    }
  }
  for (size_t k = 0; k < inline_dropped.size();) {
    size_t j = k;
    while (j + 1 < inline_dropped.size() && inline_dropped[j + 1] == inline_dropped[j] + 1) ++j;
    const size_t first = inline_dropped[k];
    const size_t last = inline_dropped[j];
    if (first > 0 && !gone[first - 1]) {
      removals.push_back(TextEdit{call.args[first - 1].end, call.args[last].end, "", {}});
    } else if (last + 1 < call.args.size() && !gone[last + 1]) {
      removals.push_back(TextEdit{call.args[first].begin, call.args[last + 1].begin, "", {}});
    } else if (first == 0 && last + 1 == call.args.size()) {
      // Every argument goes: up to the closing parenthesis.
      removals.push_back(TextEdit{call.args[first].begin, list.abs(call.text.size() - 1), "", {}});
    } else {
      return std::nullopt;  // next to a dropped line: not worth the risk
    }
    k = j + 1;
  }
  for (const TextEdit& r : removals) {
    for (uint32_t c : call.comments) {
      // A comment ends its line: a removed line may take its own trailing comment, nothing else.
      if (c >= r.begin && c < r.end) {
        const size_t nl = call.text.find('\n', c - call.begin);
        const bool trailing_of_removed_line = nl != std::string::npos && list.abs(nl + 1) == r.end &&
                                              call.text.substr(r.begin - call.begin, c - r.begin).find_first_not_of(" \t") != std::string::npos;
        if (!trailing_of_removed_line) return std::nullopt;
      }
    }
    edits.push_back(r);
  }
  for (size_t a = 0; a < edits.size(); ++a) {
    for (size_t b = a + 1; b < edits.size(); ++b) {
      if (overlaps(edits[a], edits[b])) return std::nullopt;
    }
  }
  std::sort(edits.begin(), edits.end(), [](const TextEdit& x, const TextEdit& y) { return x.begin < y.begin; });
  for (TextEdit& e : edits) e.range = {call.position(e.begin), call.position(e.end)};
  return edits;
}

}  // namespace sqla
