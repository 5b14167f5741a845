#include "app/prefilter.h"

#include <string.h>  // memmem (GNU)

#include <algorithm>
#include <array>
#include <cctype>

#include "core/text.h"
#include "sqla/url.h"

namespace app {
namespace {

bool has(std::string_view text, std::string_view needle) {
  return memmem(text.data(), text.size(), needle.data(), needle.size()) != nullptr;
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Lower-case needles, searched in a lower-cased copy of the file. What each one stands for:
// - the libraries whose names the semantic layer resolves (sqlalchemy covers flask_sqlalchemy,
//   SQLAlchemy(...) and the SQLALCHEMY_* Flask keys; sqlmodel; alembic for env.py and
//   alembic.command.upgrade from code);
// - project names a session or connection is taken from (`SessionLocal()`, `get_session()`,
//   `engine.connect()`: sessions.cpp matches them case-insensitively);
// - application frameworks, task queues, servers and serverless adapters: where a process and
//   its pool live (deployment facts, scripts vs. web apps).
// - serverless entry points by convention (`def handler(event, context)`, `lambda_handler`).
// - process and fork hooks the deployment layer reads in Python (multiprocessing pools, gunicorn's
//   post_fork / preload, Celery's worker_process_init, AWS_LAMBDA_* checks, Cloud Functions).
constexpr std::array<std::string_view, 23> kNeedles = {
    "sqlalchemy", "sqlmodel", "alembic", "engine", "session",
    "fastapi", "flask", "starlette", "litestar", "django", "celery", "uvicorn", "gunicorn",
    "mangum", "def handler(", "lambda_handler", "chalice", "aws_lambda", "functions_framework",
    "multiprocessing", "post_fork", "preload_app", "worker_process_init"};

// Needles that are also the start of common words, searched as whole identifiers: the semantic
// layer knows Quart only as the module `quart` (web_apps.cpp), never `quartic` or `quarter`.
constexpr std::array<std::string_view, 1> kWordNeedles = {"quart"};

/// A `scheme://` whose scheme is a database dialect (`postgresql+asyncpg://`): a URL literal PA113 checks.
bool has_database_url(std::string_view text) {
  for (size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
    size_t begin = at;
    while (begin > 0) {
      const char c = text[begin - 1];
      if (!ident_char(c) && c != '+' && c != '-' && c != '.') break;
      --begin;
    }
    if (begin == at) continue;
    const std::string candidate = std::string(text.substr(begin, at - begin)) + "://";
    if (sqla::parse_database_url(candidate, false)) return true;
  }
  return false;
}

/// The absolute package a relative import with `level` dots starts from; "" when it climbs out.
std::string relative_base(std::string_view module_name, bool is_package, size_t level, bool& ok) {
  std::string base(module_name);
  ok = true;
  size_t up = is_package ? level - 1 : level;
  while (up-- > 0) {
    const size_t dot = base.rfind('.');
    if (dot == std::string::npos) {
      if (base.empty()) ok = false;
      base.clear();
      continue;
    }
    base.erase(dot);
  }
  return base;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '(')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == ')' || s.back() == '\\')) s.remove_suffix(1);
  return s;
}

/// The leading dotted name of `s` ("a.b as c" -> "a.b").
std::string_view dotted(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && (ident_char(s[n]) || s[n] == '.')) ++n;
  return s.substr(0, n);
}

template <typename F>
void for_each_item(std::string_view list, F&& f) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = dotted(trim(list.substr(0, comma)));
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

bool contains_word(std::string_view text, std::string_view word, size_t count) {
  if (word.empty()) return false;
  size_t seen = 0;
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const bool before = at == 0 || !ident_char(text[at - 1]);
    const size_t end = at + word.size();
    const bool after = end == text.size() || !ident_char(text[end]);
    if (before && after && ++seen >= count) return true;
  }
  return false;
}

bool contains_word(std::string_view text, std::string_view word) { return contains_word(text, word, 1); }

namespace {

/// One logical line of Python source: where it starts, its indentation, its identifiers (outside
/// strings and comments) and whether it is a decorator.
struct LogicalLine {
  size_t indent = 0;
  bool decorator = false;
  std::vector<std::string_view> words;
};

/// Reads the logical line starting at `at` (after its indentation); returns where the next begins.
size_t read_logical_line(std::string_view text, size_t at, LogicalLine& line) {
  const size_t n = text.size();
  line.decorator = at < n && text[at] == '@';
  line.words.clear();
  int depth = 0;
  size_t i = at;
  while (i < n) {
    const char c = text[i];
    if (c == '\\' && i + 1 < n && (text[i + 1] == '\n' || text[i + 1] == '\r')) {  // continuation
      i += (text[i + 1] == '\r' && i + 2 < n && text[i + 2] == '\n') ? size_t{3} : size_t{2};
      continue;
    }
    if (c == '\n' || c == '\r') {
      ++i;
      if (depth == 0) return i;
      continue;
    }
    if (c == '#') {
      while (i < n && text[i] != '\n' && text[i] != '\r') ++i;
      continue;
    }
    if (c == '\'' || c == '"') {
      const bool triple = i + 2 < n && text[i + 1] == c && text[i + 2] == c;
      i += triple ? size_t{3} : size_t{1};
      while (i < n) {
        if (text[i] == '\\') {
          i += 2;
          continue;
        }
        if (!triple && (text[i] == '\n' || text[i] == '\r')) break;  // unterminated: the line ends it
        if (text[i] == c && (!triple || (i + 2 < n && text[i + 1] == c && text[i + 2] == c))) {
          i += triple ? size_t{3} : size_t{1};
          break;
        }
        ++i;
      }
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
    if (ident_char(c)) {
      const size_t begin = i;
      while (i < n && ident_char(text[i])) ++i;
      line.words.push_back(text.substr(begin, i - begin));
      continue;
    }
    ++i;
  }
  return i;
}

}  // namespace

std::vector<std::string> plain_generator_names(std::string_view text, bool module_level) {
  // The open `def` and `class` blocks (other compound statements do not change what a def is).
  struct Block {
    size_t indent;
    std::string_view name;
    bool is_class;
    bool candidate;  ///< a def, undecorated, at module level when `module_level`
    bool yields = false;
  };
  std::vector<Block> open;
  std::vector<std::string> names;
  auto close = [&] {
    if (open.back().candidate && open.back().yields) names.emplace_back(open.back().name);
    open.pop_back();
  };
  LogicalLine line;
  bool after_decorator = false;
  size_t decorator_indent = 0;
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    size_t indent = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\f')) {
      indent = text[i] == '\t' ? (indent / 8 + 1) * 8 : indent + 1;
      ++i;
    }
    if (i >= n) break;
    if (text[i] == '\n' || text[i] == '\r' || text[i] == '#') {  // blank or comment: no statement
      while (i < n && text[i] != '\n' && text[i] != '\r') ++i;
      ++i;
      continue;
    }
    i = read_logical_line(text, i, line);
    line.indent = indent;
    while (!open.empty() && indent <= open.back().indent) close();
    const std::vector<std::string_view>& w = line.words;
    const size_t def = !w.empty() && w[0] == "def" ? 0 : w.size() > 1 && w[0] == "async" && w[1] == "def" ? 1 : w.size();
    const bool decorated = after_decorator && decorator_indent == indent;
    if (def + 1 < w.size()) {
      open.push_back(Block{indent, w[def + 1], false, !decorated && (!module_level || open.empty())});
    } else if (w.size() > 1 && w[0] == "class") {
      open.push_back(Block{indent, w[1], true, false});
    }
    if (std::find(w.begin(), w.end(), "yield") != w.end()) {
      // The function it makes a generator: the innermost def (a class body is not a function).
      for (auto b = open.rbegin(); b != open.rend(); ++b) {
        if (b->is_class) continue;
        b->yields = true;
        break;
      }
    }
    after_decorator = line.decorator;
    decorator_indent = indent;
  }
  while (!open.empty()) close();
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool relevant_path(std::string_view path) {
  const std::string_view file = core::basename(path);
  // gunicorn.conf.py / gunicorn_config.py: settings by name only (`workers = 3`, `preload_app = True`).
  return file.rfind("gunicorn", 0) == 0 && file.size() > 3 && file.substr(file.size() - 3) == ".py";
}

bool relevant_text(std::string_view text) {
  thread_local std::string lower;
  lower.resize(text.size());
  std::transform(text.begin(), text.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  });
  const std::string_view l(lower);
  for (std::string_view needle : kNeedles) {
    if (has(l, needle)) return true;
  }
  for (std::string_view needle : kWordNeedles) {
    if (contains_word(l, needle)) return true;
  }
  return has(text, "://") && has_database_url(text);
}

std::vector<std::string> imported_names(std::string_view text, std::string_view module_name, bool is_package) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\n\r", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    const bool from = line.rfind("from", 0) == 0 && line.size() > 4 && !ident_char(line[4]);
    const bool import = line.rfind("import", 0) == 0 && line.size() > 6 && !ident_char(line[6]);
    if (!from && !import) continue;
    // A parenthesised or backslash-continued statement goes on over the next lines.
    std::string statement(line);
    const bool open_paren = statement.find('(') != std::string::npos && statement.find(')') == std::string::npos;
    if (open_paren || (!statement.empty() && statement.back() == '\\')) {
      while (pos < text.size()) {
        size_t e = text.find_first_of("\n\r", pos);
        if (e == std::string_view::npos) e = text.size();
        const std::string_view next = text.substr(pos, e - pos);
        pos = e + 1;
        if (!statement.empty() && statement.back() == '\\') statement.pop_back();
        statement += " ";
        statement += next;
        if (open_paren ? next.find(')') != std::string_view::npos : (next.empty() || next.back() != '\\')) break;
      }
    }
    if (const size_t hash = statement.find('#'); hash != std::string::npos) statement.erase(hash);
    if (const size_t semi = statement.find(';'); semi != std::string::npos) statement.erase(semi);
    std::string_view s(statement);
    if (import) {
      for_each_item(s.substr(6), [&](std::string_view item) { out.emplace_back(item); });
      continue;
    }
    s.remove_prefix(4);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    size_t level = 0;
    while (level < s.size() && s[level] == '.') ++level;
    const std::string_view name = dotted(s.substr(level));
    std::string base(name);
    if (level > 0) {
      bool ok = true;
      std::string package = relative_base(module_name, is_package, level, ok);
      if (!ok) continue;
      base = package.empty() ? std::string(name) : name.empty() ? package : package + "." + std::string(name);
    }
    if (base.empty()) continue;
    out.push_back(base);
    const size_t kw = s.find("import", level + name.size());
    if (kw == std::string_view::npos) continue;
    for_each_item(s.substr(kw + 6), [&](std::string_view item) {
      if (item.find('.') == std::string_view::npos) out.push_back(base + "." + std::string(item));
    });
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Scan scan_python(std::string_view text, std::string_view module_name, bool is_package) {
  Scan scan;
  scan.relevant = relevant_text(text);
  scan.has_with = contains_word(text, "with");
  // PA207 needs an undecorated generator function (a decorated one is not reported), named by the
  // `with` that calls it: in this file, the name is written at its `def` and at the call.
  if (contains_word(text, "yield")) {
    const std::vector<std::string> generators = plain_generator_names(text, false);
    scan.has_yield = !generators.empty();
    scan.local_generator = scan.has_with && std::any_of(generators.begin(), generators.end(), [&](const std::string& g) {
                             return contains_word(text, g, 2);
                           });
  }
  if (scan.relevant || scan.has_with) scan.imports = imported_names(text, module_name, is_package);
  return scan;
}

void ModuleIndex::add(const std::string& module_name, size_t file) {
  if (!module_name.empty()) by_name_[module_name].push_back(file);
}

std::vector<size_t> ModuleIndex::files_for(std::string_view name) const {
  std::vector<size_t> out;
  auto exact = [&](std::string_view n) {
    auto it = by_name_.find(n);
    if (it != by_name_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  };
  // The name and its parent packages (Python runs each __init__.py on the way), and for each the
  // modules it ends with (`src.app.config` reaches `app.config`, as the resolver matches it).
  for (std::string_view c = name; !c.empty();) {
    exact(c);
    for (size_t dot = c.find('.'); dot != std::string_view::npos; dot = c.find('.', dot + 1)) exact(c.substr(dot + 1));
    const size_t last = c.rfind('.');
    if (last == std::string_view::npos) break;
    c = c.substr(0, last);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace app
