// Collects the edit anchors of one file while its tree lives: engine calls' and web applications'
// argument lists, module-level imports, and the ends of `with X.connect()` blocks.
#include "sqla/edit_anchors.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "core/source_file.h"
#include "py/grammar.h"
#include "py/module.h"
#include "sqla/facts.h"
#include "sqla/text_positions.h"

namespace sqla {
namespace {

using py::Field;
using py::Kind;

CallLayout layout_of(const py::Module& module, ts::Node call) {
  CallLayout out;
  out.call = module.location(call).range.begin;
  const ts::Node list = py::field(call, Field::kArguments);
  if (!list || py::kind_of(list) != Kind::kArgumentList) return out;
  out.begin = list.start_byte();
  out.open = module.location(list).range.begin;
  out.text = std::string(module.text(list));
  for (uint32_t i = 0; i < list.named_child_count(); ++i) {
    const ts::Node c = list.named_child(i);
    const Kind k = py::kind_of(c);
    if (k == Kind::kComment) {
      out.comments.push_back(c.start_byte());
      continue;
    }
    ArgumentSpan a;
    a.begin = a.value_begin = c.start_byte();
    a.end = a.value_end = c.end_byte();
    a.at = module.location(c).range.begin;
    if (k == Kind::kKeywordArgument) {
      a.name = std::string(module.text(py::field(c, Field::kName)));
      const ts::Node value = py::field(c, Field::kValue);
      if (value) {
        a.value_begin = value.start_byte();
        a.value_end = value.end_byte();
      }
    } else if (k == Kind::kListSplat) {
      a.name = "*";
    } else if (k == Kind::kDictionarySplat) {
      a.name = "**";
    }
    out.args.push_back(std::move(a));
  }
  return out;
}

/// `import a.b as c` / `from a import b as c` at module level, with the name they bind.
void collect_imports(const py::Module& module, ts::Node root, EditAnchors& out) {
  const std::string_view text = module.source().text();
  for (uint32_t i = 0; i < root.named_child_count(); ++i) {
    const ts::Node s = root.named_child(i);
    const Kind k = py::kind_of(s);
    if (k != Kind::kImportStatement && k != Kind::kImportFromStatement) continue;
    std::string base;
    if (k == Kind::kImportFromStatement) {
      const ts::Node m = py::field(s, Field::kModuleName);
      if (!m || py::kind_of(m) != Kind::kDottedName) continue;  // relative imports: not ours to extend
      base = std::string(module.text(m));
    }
    const uint32_t next = next_line_after(text, s.end_byte());
    for (uint32_t c = 0; c < s.named_child_count(); ++c) {
      const ts::Node n = s.named_child(c);
      if (k == Kind::kImportFromStatement && n == py::field(s, Field::kModuleName)) continue;
      ImportBinding b;
      b.statement_begin = s.start_byte();
      b.next_line = next == text.size() ? 0 : next;
      if (b.next_line != 0) b.next_line_number = module.source().position(b.next_line).line;
      if (py::kind_of(n) == Kind::kDottedName) {
        const std::string name(module.text(n));
        if (k == Kind::kImportStatement) {
          b.local = name.substr(0, name.find('.'));
          b.target = b.local;
        } else {
          b.local = name;
          b.target = base + "." + name;
        }
      } else if (py::kind_of(n) == Kind::kAliasedImport) {
        const std::string name(module.text(py::field(n, Field::kName)));
        b.local = std::string(module.text(py::field(n, Field::kAlias)));
        b.target = k == Kind::kImportStatement ? name : base + "." + name;
      } else {
        continue;
      }
      // Rebound later (`pool = make_pool()`): the name no longer means the import.
      const py::Alts* alts = module.global(b.local);
      if (!alts || alts->size() != 1 || !alts->front().value->is_symbol(b.target)) continue;
      out.imports.push_back(std::move(b));
    }
  }
}

/// The function definition enclosing `node`, or a null node.
ts::Node enclosing_function(ts::Node node) {
  for (ts::Node p = node.parent(); p; p = p.parent()) {
    if (py::kind_of(p) == Kind::kFunctionDefinition) return p;
  }
  return ts::Node();
}

/// `with X.m() as c:` / `async with X.m() as c:` statements whose first item calls a method.
void collect_with_blocks(const py::Module& module, ts::Node root, EditAnchors& out) {
  const std::string_view text = module.source().text();
  ts::walk_preorder(root, [&](ts::Node n) {
    if (py::kind_of(n) != Kind::kWithStatement) return true;
    const ts::Node clause = n.named_child(0);
    if (!clause || py::kind_of(clause) != Kind::kWithClause) return true;
    const ts::Node item = clause.named_child(0);
    if (!item) return true;
    ts::Node value = py::field(item, Field::kValue);
    // `with x.connect() as c` parses as an as_pattern whose first child is the call.
    if (value && py::kind_of(value) != Kind::kCall && value.named_child_count() > 0) value = value.named_child(0);
    if (!value || py::kind_of(value) != Kind::kCall) return true;
    const ts::Node callee = py::field(value, Field::kFunction);
    if (!callee || py::kind_of(callee) != Kind::kAttribute) return true;
    BlockEnd b;
    b.receiver = std::string(module.text(py::field(callee, Field::kObject)));
    b.method = std::string(module.text(py::field(callee, Field::kAttribute)));
    b.async_with = module.text(n).rfind("async", 0) == 0;
    const ts::Node function = enclosing_function(n);
    if (function) {
      b.in_async_function = module.text(function).rfind("async", 0) == 0;
      for (const py::FunctionInfo& f : module.functions()) {
        if (f.node == function) b.function = f.qualified_name;
      }
    }
    bool eof = false;
    b.insert_at = next_line_after(text, n.end_byte(), &eof);
    b.needs_newline = eof;
    if (b.insert_at != 0) b.insert_line = module.source().position(b.insert_at).line + (eof ? 1 : 0);
    const uint32_t line = module.source().line_start(n.start_byte());
    b.indent = std::string(text.substr(line, n.start_byte() - line));
    if (b.insert_at != 0 && b.indent.find_first_not_of(" \t") == std::string::npos) {
      out.with_blocks.push_back(std::move(b));
    }
    return true;
  });
}

}  // namespace

/// `**NAME` -> "NAME"; "" for any other splat (`**cfg.opts`, `**load()`).
std::string_view splat_name(std::string_view text) {
  if (text.rfind("**", 0) != 0) return {};
  text.remove_prefix(2);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front()))) return {};
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return {};
  }
  return text;
}

/// A wrapper's `def make_engine(url, **kw): return create_engine(url, **kw)`: when `kw` occurs in
/// the function only as the parameter and the splat (no `kw.get()`, `kw.setdefault()`, `del`, no
/// nested function using it), the keywords a caller passes reach this engine and nothing else, so
/// deleting one at that caller changes that engine only (rules/fixes.h forwarded_only). The splat's
/// value becomes the `**kw` parameter's bytes.
void mark_forwarded_kwargs(const core::SourceFile& source, ts::Node root, ArgumentSpan& splat,
                           std::string_view name) {
  ts::Node function;
  for (ts::Node n = root.descendant_for_byte_range(splat.begin, splat.end); n; n = n.parent()) {
    if (py::kind_of(n) == Kind::kFunctionDefinition) {
      function = n;
      break;
    }
  }
  if (!function) return;
  const std::string_view text = source.text();
  size_t occurrences = 0;
  bool reflective = false;
  ts::Node parameter;
  ts::walk_preorder(function, [&](ts::Node n) {
    const Kind k = py::kind_of(n);
    if (k == Kind::kDictionarySplatPattern && !parameter) parameter = n;
    if (k != Kind::kIdentifier) return true;
    const std::string_view word = n.text(text);
    if (word == name) ++occurrences;
    if (word == "locals" || word == "vars" || word == "exec" || word == "eval") reflective = true;
    return false;
  });
  if (reflective || occurrences != 2 || !parameter || parameter.end_byte() > splat.begin) return;
  splat.value_begin = parameter.start_byte();
  splat.value_end = parameter.end_byte();
}

/// A `**NAME` argument of an engine call whose dict only that call reads gets the dict's bytes as
/// its value (ArgumentSpan::value_begin/value_end; any other splat's value is the argument itself):
/// deleting an entry there changes this engine and nothing else (rules/fixes.h). `NAME = {...}` /
/// `NAME = dict(...)` is the call's own when the identifier occurs exactly twice in the file: the one
/// assignment and the call's `**NAME`. Any other occurrence (a second engine, `OPTS["k"] = v`,
/// `OPTS.update()`, `global`, `del`, a nested function, `OPTS |= ...`) makes it shared; reflection
/// (`globals()`, `vars()`, `locals()`, `__all__`, `exec`, `eval`) may read any name, so then no dict
/// is. Another module may still import the name: the project phase gives the splat its own bytes
/// back in every module another file may import (app/project_facts.cpp).
void collect_own_dicts(const core::SourceFile& source, const py::Module& module, ts::Node root, FileFacts& facts) {
  std::unordered_map<std::string, std::pair<size_t, size_t>> wanted;  // name -> (call, argument)
  std::unordered_set<std::string> splatted_twice;
  std::vector<CallLayout>& calls = facts.anchors.calls;
  for (const EngineSite& site : facts.engines) {
    if (!site.through.empty()) continue;
    const CallLayout* found = facts.anchors.call_at(site.where.range.begin);
    if (!found) continue;
    const auto c = static_cast<size_t>(found - calls.data());
    for (size_t i = 0; i < found->args.size(); ++i) {
      const ArgumentSpan& a = found->args[i];
      if (a.name != "**") continue;
      const std::string_view name = splat_name(std::string_view(found->text).substr(a.begin - found->begin, a.end - a.begin));
      if (name.empty()) continue;
      if (name == site.kwargs_parameter) {
        mark_forwarded_kwargs(source, root, calls[c].args[i], name);
        continue;
      }
      const auto [it, added] = wanted.emplace(std::string(name), std::make_pair(c, i));
      if (!added && it->second != std::make_pair(c, i)) splatted_twice.insert(std::string(name));
    }
  }
  for (const std::string& name : splatted_twice) wanted.erase(name);
  if (wanted.empty()) return;
  static const std::unordered_set<std::string_view> kReflection = {"globals", "locals", "vars", "__all__",
                                                                   "exec", "eval"};
  std::unordered_map<std::string, size_t> reads;
  std::unordered_map<std::string, std::vector<ts::Node>> assignments;
  bool reflective = false;
  const std::string_view text = source.text();
  ts::walk_preorder(root, [&](ts::Node n) {
    const Kind k = py::kind_of(n);
    if (k == Kind::kIdentifier) {
      const std::string_view word = n.text(text);
      if (kReflection.count(word)) reflective = true;
      if (const auto w = wanted.find(std::string(word)); w != wanted.end()) ++reads[w->first];
      return false;
    }
    if (k == Kind::kAssignment) {
      const ts::Node left = py::field(n, Field::kLeft);
      if (left && py::kind_of(left) == Kind::kIdentifier && wanted.count(std::string(left.text(text)))) {
        assignments[std::string(left.text(text))].push_back(py::field(n, Field::kRight));
      }
    }
    return true;
  });
  if (reflective) return;
  for (const auto& [name, where] : wanted) {
    const auto a = assignments.find(name);
    if (a == assignments.end() || a->second.size() != 1 || reads[name] != 2) continue;
    const ts::Node value = a->second.front();
    if (!value) continue;
    const Kind k = py::kind_of(value);
    const bool dict_call = k == Kind::kCall && module.text(py::field(value, Field::kFunction)) == "dict";
    if (k != Kind::kDictionary && !dict_call) continue;
    ArgumentSpan& splat = calls[where.first].args[where.second];
    splat.value_begin = value.start_byte();
    splat.value_end = value.end_byte();
  }
}

void collect_edit_anchors(const core::SourceFile& source, const py::Module& module, ts::Node root,
                          FileFacts& facts) {
  EditAnchors& out = facts.anchors;
  for (const auto& [name, alts] : module.globals()) out.globals.push_back(name);
  collect_imports(module, root, out);
  // Only PA302 reads them, in Alembic's env.py: no tree walk for other files.
  if (facts.is_alembic_env) collect_with_blocks(module, root, out);
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (const EngineSite& site : facts.engines) {
    if (site.through.empty()) ranges.emplace_back(byte_of(source, site.where.range.begin), byte_of(source, site.where.range.end));
  }
  for (const WebApp& app : facts.web_apps) {
    ranges.emplace_back(byte_of(source, app.where.range.begin), byte_of(source, app.where.range.end));
  }
  std::sort(ranges.begin(), ranges.end());
  ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
  for (const auto& [begin, end] : ranges) {
    for (ts::Node n = root.descendant_for_byte_range(begin, end); n; n = n.parent()) {
      if (n.start_byte() != begin || n.end_byte() > end) break;
      if (n.end_byte() == end && py::kind_of(n) == Kind::kCall) {
        out.calls.push_back(layout_of(module, n));
        break;
      }
    }
  }
  // The plans read the call layouts above.
  collect_own_dicts(source, module, root, facts);
  plan_yield_wraps(module, root, facts);
  plan_lifespan(module, root, facts);
}

}  // namespace sqla
