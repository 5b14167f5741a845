// Statement-level fixes prepared while the tree lives: a yielded session's `try/finally` (facts
// PA202) and on_event handlers moved into a lifespan (facts PA403). Each plan is made only for the
// plain shape it can rewrite without changing what else the code does; anything else gets none.
#include <algorithm>

#include "core/text.h"
#include "py/grammar.h"
#include "py/module.h"
#include "sqla/facts.h"
#include "sqla/text_positions.h"

namespace sqla {
namespace {

using py::Field;
using py::Kind;

/// The leading blanks of the line holding `at`, when only blanks precede `at` on it.
std::optional<std::string> indentation(const core::SourceFile& source, uint32_t at) {
  const uint32_t start = source.line_start(at);
  const std::string_view lead = source.text().substr(start, at - start);
  if (lead.find_first_not_of(" \t") != std::string_view::npos) return std::nullopt;
  return std::string(lead);
}

/// A string literal of the range spans lines: re-indenting its lines would change its value.
bool multiline_string(ts::Node node) {
  bool found = false;
  ts::walk_preorder(node, [&](ts::Node n) {
    if (found) return false;
    const Kind k = py::kind_of(n);
    if ((k == Kind::kString || k == Kind::kConcatenatedString) && n.start_point().row != n.end_point().row) {
      found = true;
    }
    return !found;
  });
  return found;
}

/// `yield name` as a statement of its own, in `function`'s body (not in a nested function).
std::vector<ts::Node> yield_statements(const py::Module& module, ts::Node function, std::string_view name) {
  std::vector<ts::Node> out;
  ts::walk_preorder(py::field(function, Field::kBody), [&](ts::Node n) {
    const Kind k = py::kind_of(n);
    if (k == Kind::kFunctionDefinition || k == Kind::kClassDefinition || k == Kind::kLambda) return false;
    if (k == Kind::kExpressionStatement && n.named_child_count() == 1) {
      const ts::Node y = n.named_child(0);
      if (py::kind_of(y) == Kind::kYield && y.named_child_count() == 1 && module.text(y.named_child(0)) == name) {
        out.push_back(n);
      }
    }
    return k != Kind::kExpressionStatement;
  });
  return out;
}

/// `name.close()` or `await name.close()` as a statement.
bool closes(const py::Module& module, ts::Node statement, std::string_view name) {
  if (py::kind_of(statement) != Kind::kExpressionStatement || statement.named_child_count() != 1) return false;
  ts::Node e = statement.named_child(0);
  if (py::kind_of(e) == Kind::kAwait && e.named_child_count() == 1) e = e.named_child(0);
  if (py::kind_of(e) != Kind::kCall) return false;
  const ts::Node args = py::field(e, Field::kArguments);
  return module.text(py::field(e, Field::kFunction)) == std::string(name) + ".close" && args &&
         args.named_child_count() == 0;
}

/// The edits that wrap `yield name` and the rest of its block in try/finally for one session.
std::optional<std::vector<TextEdit>> yield_wrap(const py::Module& module, const py::FunctionInfo& f,
                                                const SessionUse& use) {
  const core::SourceFile& source = module.source();
  const std::string_view text = source.text();
  const std::vector<ts::Node> yields = yield_statements(module, f.node, use.name);
  if (yields.size() != 1) return std::nullopt;
  const ts::Node y = yields.front();
  const ts::Node block = y.parent();
  if (!block || py::kind_of(block) != Kind::kBlock || !block.parent()) return std::nullopt;
  const auto inner = indentation(source, y.start_byte());
  const auto outer = indentation(source, block.parent().start_byte());
  if (!inner || !outer || inner->size() <= outer->size() || inner->compare(0, outer->size(), *outer) != 0) {
    return std::nullopt;
  }
  const std::string unit = inner->substr(outer->size());
  // One kind of blank: a tab-and-space mix would not survive re-indenting.
  if (inner->find_first_not_of((*inner)[0]) != std::string::npos) return std::nullopt;
  // The statements from the yield to the end of its block; a trailing `name.close()` becomes the
  // finally clause, any other close of the block means a shape this does not rewrite.
  std::vector<ts::Node> rest;
  for (ts::Node n = y; n; n = n.next_named_sibling()) {
    if (py::kind_of(n) == Kind::kComment) continue;
    rest.push_back(n);
  }
  ts::Node close;
  if (use.release == Release::kHappyPathOnly) {
    if (rest.size() < 2 || !closes(module, rest.back(), use.name)) return std::nullopt;
    close = rest.back();
    rest.pop_back();
  } else if (use.release != Release::kNever) {
    return std::nullopt;
  }
  for (const ts::Node& n : rest) {
    if (n.has_error() || multiline_string(n)) return std::nullopt;
  }
  if (close && (close.start_point().row != close.end_point().row)) return std::nullopt;
  const uint32_t begin = source.line_start(y.start_byte());
  bool eof = false;
  const uint32_t body_end = next_line_after(text, rest.back().end_byte(), &eof);
  if (body_end == 0 || eof) return std::nullopt;
  std::string out = *inner + "try:\n";
  for (uint32_t at = begin; at < body_end;) {
    const size_t nl = text.find('\n', at);
    const uint32_t line_end = nl == std::string_view::npos || nl + 1 > body_end ? body_end : static_cast<uint32_t>(nl + 1);
    const std::string_view line = text.substr(at, line_end - at);
    if (line.find_first_not_of(" \t\r\n") != std::string_view::npos) out += unit;
    out += line;
    at = line_end;
  }
  std::string release;
  std::string between;
  uint32_t end = body_end;
  if (close) {
    const uint32_t close_end = next_line_after(text, close.end_byte(), &eof);
    if (close_end == 0 || eof) return std::nullopt;
    // The close with its own comment, without the line ending.
    release = std::string(text.substr(close.start_byte(), close_end - close.start_byte()));
    while (!release.empty() && (release.back() == '\n' || release.back() == '\r')) release.pop_back();
    // Only blank lines between the body and the close: they stay above `finally`.
    between = std::string(text.substr(body_end, source.line_start(close.start_byte()) - body_end));
    for (char c : between) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return std::nullopt;
    }
    end = close_end;
  } else if (!f.is_async) {
    release = use.name + ".close()";
  } else {
    // An async generator may yield a sync Session: await only what the function itself awaits.
    if (module.text(f.node).find("await " + use.name + ".") == std::string_view::npos) return std::nullopt;
    release = "await " + use.name + ".close()";
  }
  out += between + *inner + "finally:\n" + *inner + unit + release + "\n";
  return std::vector<TextEdit>{TextEdit{begin, end, std::move(out), source.range(begin, end)}};
}

}  // namespace

void plan_yield_wraps(const py::Module& module, ts::Node /*root*/, FileFacts& facts) {
  for (const SessionUse& use : facts.sessions) {
    if (!use.yielded || !use.in_generator || use.name.empty() || use.function.empty()) continue;
    if (use.release != Release::kNever && use.release != Release::kHappyPathOnly) continue;
    const auto f = std::find_if(module.functions().begin(), module.functions().end(),
                                [&](const py::FunctionInfo& fn) { return fn.qualified_name == use.function; });
    if (f == module.functions().end()) continue;
    if (auto edits = yield_wrap(module, *f, use)) {
      facts.anchors.yield_wraps.push_back(PlannedEdits{use.where.range.begin, std::move(*edits)});
    }
  }
}

void plan_lifespan(const py::Module& module, ts::Node root, FileFacts& facts) {
  if (facts.event_handlers.empty()) return;
  const core::SourceFile& source = module.source();
  const std::string_view text = source.text();
  const WebApp* app = nullptr;
  for (const WebApp& w : facts.web_apps) {
    if (w.test_client) continue;
    if (app || w.framework != "fastapi") return;
    app = &w;
  }
  if (!app || app->assigned_to.empty() || app->assigned_to.find_first_of(".[") != std::string::npos) return;
  // Handlers registered otherwise (add_event_handler, router.on_startup) would be dropped once the
  // app has a lifespan: Starlette runs either the lifespan or the event handlers.
  if (text.find("add_event_handler") != std::string_view::npos || text.find(".on_startup") != std::string_view::npos ||
      text.find(".on_shutdown") != std::string_view::npos || facts.anchors.bound("lifespan")) {
    return;
  }
  const CallLayout* call = facts.anchors.call_at(app->where.range.begin);
  if (!call || call->text.empty()) return;
  for (const ArgumentSpan& a : call->args) {
    if (a.name == "*" || a.name == "**" || a.name == "lifespan" || a.name == "on_startup" || a.name == "on_shutdown") {
      return;
    }
  }
  // `app = FastAPI(...)` as a module-level statement.
  const uint32_t call_begin = call->begin;
  ts::Node statement = root.descendant_for_byte_range(call_begin, call_begin);
  while (statement && statement.parent() && !(statement.parent() == root)) statement = statement.parent();
  if (!statement || py::kind_of(statement) != Kind::kExpressionStatement) return;
  const ts::Node assignment = statement.named_child(0);
  if (!assignment || py::kind_of(assignment) != Kind::kAssignment ||
      module.text(py::field(assignment, Field::kLeft)) != app->assigned_to) {
    return;
  }
  if (source.line_start(statement.start_byte()) != statement.start_byte()) return;
  const std::string prefix = app->assigned_to + ".on_event(";
  std::vector<std::string> startup;
  std::vector<std::string> shutdown;
  std::vector<TextEdit> edits;
  for (const py::FunctionInfo& f : module.functions()) {
    for (size_t k = 0; k < f.decorator_texts.size(); ++k) {
      const std::string& d = f.decorator_texts[k];
      if (d.find("on_event") == std::string::npos) continue;
      if (d.rfind(prefix, 0) != 0 || f.parent_function >= 0 || !f.class_name.empty() || !f.parameters.empty() ||
          !f.args_parameter.empty() || !f.kwargs_parameter.empty()) {
        return;
      }
      const std::string event = d.find("\"startup\"") != std::string::npos || d.find("'startup'") != std::string::npos
                                    ? "startup"
                                : d.find("\"shutdown\"") != std::string::npos || d.find("'shutdown'") != std::string::npos
                                    ? "shutdown"
                                    : "";
      if (event.empty()) return;
      (event == "startup" ? startup : shutdown).push_back((f.is_async ? "await " : "") + f.name + "()");
      // The decorator's own line goes.
      const ts::Node decorated = f.node.parent();
      if (!decorated || py::kind_of(decorated) != Kind::kDecoratedDefinition) return;
      ts::Node decorator;
      for (uint32_t c = 0, seen = 0; c < decorated.named_child_count(); ++c) {
        const ts::Node n = decorated.named_child(c);
        if (py::kind_of(n) == Kind::kDecorator && seen++ == k) decorator = n;
      }
      if (!decorator || !indentation(source, decorator.start_byte()) ||
          !indentation(source, decorator.start_byte())->empty()) {
        return;
      }
      const uint32_t next = next_line_after(text, decorator.end_byte());
      if (next == 0 || next >= text.size()) return;
      edits.push_back(TextEdit{decorator.start_byte(), next, "", source.range(decorator.start_byte(), next)});
    }
  }
  if (startup.empty() && shutdown.empty()) return;
  const std::optional<Spelling> manager = spell(facts.anchors, "contextlib.asynccontextmanager", statement.start_byte());
  if (!manager) return;
  std::string lifespan = "@" + manager->text + "\nasync def lifespan(app):\n";
  for (const std::string& s : startup) lifespan += "    " + s + "\n";
  lifespan += "    yield\n";
  for (const std::string& s : shutdown) lifespan += "    " + s + "\n";
  lifespan += "\n\n";
  if (manager->import) edits.push_back(*manager->import);
  edits.push_back(TextEdit{statement.start_byte(), statement.start_byte(), lifespan,
                           source.range(statement.start_byte(), statement.start_byte())});
  auto keyword = keyword_edits(*call, {}, "lifespan", "lifespan");
  if (!keyword) return;
  edits.insert(edits.end(), keyword->begin(), keyword->end());
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < edits.size(); ++i) {
    if (edits[i].begin < edits[i - 1].end) return;
  }
  facts.anchors.lifespan = PlannedEdits{app->where.range.begin, std::move(edits)};
}

}  // namespace sqla
