#include "sqla/main_block.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "core/text.h"
#include "py/grammar.h"
#include "sqla/session_analysis.h"

namespace sqla {
namespace {

using py::Kind;
using py::kind_of;
using py::ValueKind;

// Words of a callee's last name that keep a process running: uvicorn.run, app.run, asyncio.run,
// waitress.serve, hypercorn's serve, serve_forever, run_forever, run_app, start (threads,
// schedulers, IOLoop), worker_main, rq's work(), listen, polling bots, consumers.
constexpr std::string_view kLongRunningWords[] = {"run",     "serve",   "start",  "forever", "loop", "worker",
                                                  "work",    "listen",  "poll",   "polling", "consume",
                                                  "consuming", "termination"};

/// The condition is `__name__ == "__main__"` and the path takes its true side (or the false side
/// of `!=`).
bool names_main(std::string_view condition) {
  return condition.find("__name__") != std::string_view::npos && condition.find("__main__") != std::string_view::npos;
}

bool main_guard(const py::Module& m, const py::Tags& tags) {
  for (const py::CondTag& t : tags) {
    const std::string& text = m.condition(t.id).text;
    if (!names_main(text)) continue;
    const bool negated = text.find("!=") != std::string::npos;
    if (t.taken != negated) return true;
  }
  return false;
}

bool module_level(const py::Scope& s) { return s.function < 0 && s.class_index < 0; }

/// Whether `body` holds a `while` loop (or, with `for_too`, any loop).
bool has_loop(ts::Node body, bool for_too) {
  bool loops = false;
  session_analysis::walk_function(body, [&](ts::Node n) {
    const Kind kind = kind_of(n);
    loops = loops || kind == Kind::kWhileStatement || (for_too && kind == Kind::kForStatement);
  });
  return loops;
}

/// The module's `if __name__ == "__main__":` statements (the tree's top level).
std::vector<ts::Node> main_guards(const py::Module& m, ts::Node any) {
  std::vector<ts::Node> out;
  if (!any) return out;
  ts::Node root = any;
  while (root.parent()) root = root.parent();
  for (uint32_t i = 0; i < root.named_child_count(); ++i) {
    const ts::Node n = root.named_child(i);
    if (kind_of(n) != Kind::kIfStatement) continue;
    if (names_main(m.text(py::field(n, py::Field::kCondition)))) out.push_back(n);
  }
  return out;
}

/// The callee name a call is judged by: a resolved Symbol's, else the method's.
std::string_view judged_name(const py::CallFact& c) {
  if (c.callee->kind == ValueKind::kSymbol) return c.callee->text;
  return c.method;
}

}  // namespace

bool starts_long_running(std::string_view callee_name) {
  std::string_view last = core::last_component(callee_name);
  if (last.ends_with("()")) last.remove_suffix(2);
  std::string word;
  auto matches = [&] {
    return std::find(std::begin(kLongRunningWords), std::end(kLongRunningWords), word) != std::end(kLongRunningWords);
  };
  for (char c : last) {
    if (c == '_') {
      if (matches()) return true;
      word.clear();
    } else {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return matches();
}

MainBlockRun main_block_run(const py::Module& m) {
  MainBlockRun run;
  const auto& calls = m.calls();
  if (calls.empty()) return run;
  const auto& functions = m.functions();
  auto top_level = [&](int index) {
    if (index < 0 || static_cast<size_t>(index) >= functions.size()) return false;
    const py::FunctionInfo& f = functions[static_cast<size_t>(index)];
    return f.parent_function < 0 && f.class_name.empty();
  };
  // Level by level: the block's calls, then the calls of loop-free functions it runs.
  std::vector<int> level;
  auto visit = [&](const py::CallFact& c, std::vector<int>& next) {
    if (c.callee->kind == ValueKind::kFunction) {
      if (top_level(c.callee->object_id) && run.runs.insert(c.callee->object_id).second) next.push_back(c.callee->object_id);
      return;
    }
    if (starts_long_running(judged_name(c))) run.long_running = true;
  };
  for (const py::CallFact& c : calls) {
    if (module_level(c.scope) && main_guard(m, c.tags)) visit(c, level);
  }
  for (ts::Node guard : main_guards(m, calls.front().node)) {
    if (has_loop(guard, false)) run.long_running = true;
  }
  for (int depth = 0; depth < 3 && !level.empty(); ++depth) {
    std::vector<int> next;
    for (int index : level) {
      const ts::Node body = py::field(functions[static_cast<size_t>(index)].node, py::Field::kBody);
      // A function with a loop may call its helpers many times: they are not one-shot (depth 0
      // only: the block's own calls are followed as written).
      const bool expand = depth < 2 && body && !has_loop(body, true);
      for (const py::CallFact& c : calls) {
        if (c.scope.function != index) continue;
        if (c.callee->kind == ValueKind::kFunction && !expand) continue;
        visit(c, next);
      }
    }
    level = std::move(next);
  }
  return run;
}

}  // namespace sqla
