// How the function that creates a Session or Connection releases it (with, finally, closing,
// returned, yielded, stored, passed, never, ...), for one creation while the syntax tree is alive;
// also the commit-after-error check (facts PA208) and the one-shot command exemption (facts PA201).
#include <algorithm>
#include <cctype>
#include <vector>

#include "sqla/main_block.h"
#include "sqla/session_analysis.h"

namespace sqla {
using namespace session_analysis;  // NOLINT(google-build-using-namespace): this concern's helpers

namespace {

/// A pytest fixture whose scope is wider than one test ("session", "package", "module", "class"):
/// its set-up runs once per scope, and pytest caches a set-up error instead of rerunning it.
bool runs_once_per_scope(std::string_view decorator) {
  for (size_t at = decorator.find("scope"); at != std::string_view::npos; at = decorator.find("scope", at + 1)) {
    const bool word = at == 0 || !(std::isalnum(static_cast<unsigned char>(decorator[at - 1])) || decorator[at - 1] == '_');
    size_t v = decorator.find_first_not_of(" \t", at + 5);
    if (!word || v == std::string_view::npos || decorator[v] != '=') continue;
    v = decorator.find_first_not_of(" \t", v + 1);
    if (v == std::string_view::npos || (decorator[v] != '"' && decorator[v] != '\'')) return false;  // a callable
    const std::string_view value = decorator.substr(v + 1);
    for (std::string_view once : {"session", "package", "module", "class"}) {
      if (value.starts_with(once) && value.size() > once.size() && value[once.size()] == decorator[v]) return true;
    }
    return false;
  }
  return false;
}

/// A commit in `finally` runs after the protected code raised too (partial work is persisted); so
/// does one after `try: yield db` / `except: pass`.
void find_commit_after_error(const Occurrences& o, SessionUse& use) {
  for (const Occurrences::Commit& c : o.finally_commits) {
    auto inside = [&](uint32_t at) { return at >= c.body_begin && at < c.body_end; };
    if (std::any_of(o.uses.begin(), o.uses.end(), inside) || std::any_of(o.yields.begin(), o.yields.end(), inside)) {
      use.commit_in_finally = c.where;
      return;
    }
  }
  if (!o.yield_swallowed || o.yields.empty()) return;
  for (const auto& [at, where] : o.plain_commits) {
    if (at > o.yields.front()) {
      use.commit_in_finally = where;
      use.commit_after_except = true;
      return;
    }
  }
}

void classify_named(const py::Module& m, ts::Node assignment, ts::Node target, ts::Node body,
                    const py::FunctionInfo* caller, bool connection, bool fixture_once, SessionUse& use) {
  Occurrences o;
  for (ts::Node id : identifiers(m, body, use.name)) {
    if (id == target) continue;
    classify_occurrence(m, id, body, o);
  }
  // Passing it as an argument lends it; the callee owns it only when it provably closes or keeps it.
  std::vector<Handover> pending;
  for (const Occurrences::Pass& p : o.passes) {
    if (hands_over(m, p, caller, 0, &pending)) o.passed = true;
  }
  if (!o.passed) use.handovers = std::move(pending);
  use.lent = !o.passes.empty() && !o.passed;
  const uint32_t created = assignment.end_byte();
  std::vector<uint32_t> exits;  // `return` / `raise` of this function (not of nested ones)
  std::vector<uint32_t> all_yields;  // every `yield` of this function, whatever it yields
  walk_function(body, [&](ts::Node n) {
    const Kind k = kind_of(n);
    if (k == Kind::kReturnStatement || k == Kind::kRaiseStatement) exits.push_back(n.start_byte());
    if (k == Kind::kYield) all_yields.push_back(n.start_byte());
  });
  auto used_before = [&](uint32_t at) {
    return std::any_of(o.uses.begin(), o.uses.end(), [&](uint32_t u) { return u > created && u < at; });
  };
  const auto in_finally = std::find_if(o.closes.begin(), o.closes.end(), [](const auto& c) { return c.in_finally; });
  const bool except_close = std::any_of(o.closes.begin(), o.closes.end(), [](const auto& c) { return c.in_except; });
  const auto happy = std::find_if(o.closes.begin(), o.closes.end(),
                                  [](const auto& c) { return !c.in_finally && !c.in_except; });
  use.yielded = o.yielded;
  if (o.yielded) use.release_where = o.yield_where;
  find_commit_after_error(o, use);
  if (o.stored) {
    use.release = Release::kStored;
  } else if (o.with) {
    use.release = Release::kWith;
    use.release_where = o.with_where;
  } else if (o.closing) {
    use.release = Release::kClosing;
  } else if (o.teardown) {
    use.release = Release::kTeardown;
  } else if (in_finally != o.closes.end()) {
    use.release = Release::kFinally;
    use.release_where = in_finally->where;
  } else if (o.returned) {
    use.release = Release::kReturned;
    use.release_where = o.return_where;
  } else if (o.yield_swallowed && happy != o.closes.end()) {
    use.release = Release::kExceptAndHappy;  // the close after the swallowing `try` runs either way
    use.release_where = happy->where;
  } else if (o.passed && happy == o.closes.end()) {
    use.release = Release::kPassed;  // a callee closes or keeps it
  } else if (except_close) {
    // `except: db.rollback(); db.close(); raise` plus a close after it covers both paths; a close
    // in `except` alone leaves the normal path open.
    const auto in_except = std::find_if(o.closes.begin(), o.closes.end(), [](const auto& c) { return c.in_except; });
    use.release = happy != o.closes.end() ? Release::kExceptAndHappy : Release::kExceptOnly;
    use.release_where = happy != o.closes.end() ? happy->where : in_except->where;
  } else if (happy != o.closes.end()) {
    // Closed on the success path only. With nothing between creation and close that uses the
    // object, nothing holds a connection when an exception could leave the function.
    // A `return` / `raise` between creation and close leaves without closing: a connection is
    // checked out at creation, a Session once it has been used.
    const bool early_exit = std::any_of(exits.begin(), exits.end(), [&](uint32_t e) {
      return e > created && e < happy->at && (connection || used_before(e));
    });
    const bool risky = used_before(happy->at) || (o.yielded && o.yield_where.valid()) || early_exit;
    // pytest resumes a fixture's generator after the test whether it passed or failed (the test's
    // exception is never thrown into the fixture): a close after the yield is the fixture's teardown,
    // which runs like a `finally`. Only the fixture's own set-up error skips it, and pytest reports
    // that as the test's error.
    const bool teardown = use.test_fixture && use.in_generator && !early_exit &&
                          std::any_of(all_yields.begin(), all_yields.end(),
                                      [&](uint32_t y) { return y > created && y < happy->at; });
    use.release = teardown ? Release::kTeardown : risky ? Release::kHappyPathOnly : Release::kUnknown;
    use.release_where = happy->where;
    use.early_exit = early_exit;
    // The set-up of a session/module-scoped fixture: only its own error skips the close, once.
    use.setup_once = use.release == Release::kHappyPathOnly && use.test_fixture && fixture_once && !early_exit;
  } else {
    // Never closed. A Session that is never used never acquires a connection (it begins lazily).
    use.release = (connection || !o.uses.empty() || o.yielded) ? Release::kNever : Release::kUnknown;
  }
}


}  // namespace

namespace {

/// A module function that the module's `if __name__ == "__main__":` block runs (main_block.h),
/// when that block starts nothing that keeps running (a server, a loop, a worker).
bool called_by_main_block(const py::Module& m, const py::FunctionInfo& f) {
  if (f.parent_function >= 0 || !f.class_name.empty()) return false;
  const MainBlockRun run = main_block_run(m);
  return !run.long_running && run.runs.count(m.function_index(f.node)) > 0;
}

/// A CLI command (`@cli.command()`, `@app.cli.command`, typer's `@app.command()`) or a function
/// run by a script's `__main__` block, with no loop: the process ends when it returns.
bool one_shot_command(const py::Module& m, const py::FunctionInfo& f, ts::Node body) {
  const bool command = std::any_of(f.decorator_texts.begin(), f.decorator_texts.end(),
                                   [](const std::string& d) { return d.find("command") != std::string::npos; });
  if ((!command && !called_by_main_block(m, f)) || !body) return false;
  bool loops = false;
  walk_function(body, [&](ts::Node n) { loops = loops || kind_of(n) == Kind::kWhileStatement; });
  return !loops;
}

void classify_release_in(const py::Module& m, ts::Node call, int function, SessionUse& use);

}  // namespace

void classify_release(const py::Module& m, ts::Node call, int function, SessionUse& use) {
  classify_release_in(m, call, function, use);
  // A Session left open by a one-shot CLI command is released when the process exits right after:
  // nothing else waits for the pool (facts PA201's harm is checkout timeouts under load). A
  // connection is still reported: it holds its transaction while the command goes on.
  const py::FunctionInfo* f = function_at(m, function);
  const Release r = use.release;
  if (f && !use.connection && !use.yielded &&
      (r == Release::kNever || r == Release::kHappyPathOnly || r == Release::kExceptOnly) &&
      one_shot_command(m, *f, py::field(f->node, Field::kBody))) {
    use.release = Release::kUnknown;
  }
}

namespace {

void classify_release_in(const py::Module& m, ts::Node call, int function, SessionUse& use) {
  ts::Node body;
  bool fixture_once = false;
  if (function >= 0 && static_cast<size_t>(function) < m.functions().size()) {
    const py::FunctionInfo& f = m.functions()[static_cast<size_t>(function)];
    body = py::field(f.node, Field::kBody);
    use.in_generator = f.is_generator;
    for (const std::string& d : f.decorator_texts) {
      if (d.find("fixture") == std::string::npos) continue;
      use.test_fixture = true;
      fixture_once = runs_once_per_scope(d);
    }
    // 2.0 removed bound metadata: a Session made with no bind gets a connection only when something
    // in the function binds it (`db.bind = engine`, `bind_arguments=`); until then it holds none.
    if (use.unbound && m.text(body).find("bind") != std::string_view::npos) use.unbound = false;
  }
  // Module level: no function or class between the call and the module.
  if (!body) {
    use.module_level = true;
    int depth = 0;
    for (ts::Node a = call.parent(); a; a = a.parent()) {
      const Kind k = kind_of(a);
      if (k == Kind::kFunctionDefinition || k == Kind::kLambda || k == Kind::kClassDefinition || ++depth > kMaxClimb) {
        use.module_level = false;
        break;
      }
      // `if __name__ == "__main__":` runs as a script, single-threaded.
      if (k == Kind::kIfStatement && m.text(py::field(a, Field::kCondition)).find("__main__") != std::string_view::npos) {
        use.module_level = false;
        break;
      }
    }
  }
  ts::Node expr = outer_expression(call);
  // `engine.connect().execution_options(...)` returns the same connection.
  for (int i = 0; i < 4; ++i) {
    ts::Node p = expr.parent();
    if (!p || kind_of(p) != Kind::kAttribute || !(py::field(p, Field::kObject) == expr)) break;
    if (m.text(py::field(p, Field::kAttribute)) != "execution_options") break;
    ts::Node outer = p.parent();
    if (!outer || kind_of(outer) != Kind::kCall) break;
    expr = outer_expression(outer);
  }
  if (is_with_value(expr)) {
    use.release = Release::kWith;
    use.release_where = m.location(expr);
    if (ts::Node as = expr.parent(); is_type(as, "as_pattern")) {
      if (ts::Node alias = py::field(as, Field::kAlias)) use.name = std::string(m.text(alias));
    }
    // `with SessionLocal() as db: yield db`: a provider (dependency, context manager) that closes it.
    if (body && !use.name.empty()) {
      Occurrences o;
      for (ts::Node id : identifiers(m, body, use.name)) {
        if (ts::Node p = outer_expression(id).parent(); p && kind_of(p) == Kind::kYield) use.yielded = true;
        if (id.start_byte() > expr.end_byte()) classify_occurrence(m, id, body, o);
      }
      // `with SessionLocal() as db: try: yield db / finally: db.commit()`: the with closes it, but
      // the commit still runs after the error.
      find_commit_after_error(o, use);
    }
    return;
  }
  // Engine.begin() / sessionmaker.begin() return context managers: nothing is acquired until
  // __enter__, so outside `with` there is nothing to release.
  if (use.callee.ends_with(".begin")) return;
  ts::Node p = expr.parent();
  if (!p) return;
  const Kind pk = kind_of(p);
  if (pk == Kind::kAttribute && py::field(p, Field::kObject) == expr) {
    const std::string_view attr = m.text(py::field(p, Field::kAttribute));
    ts::Node outer = p.parent();
    const bool called = outer && kind_of(outer) == Kind::kCall && py::field(outer, Field::kFunction) == p;
    if (called && (attr == "begin" || attr == "begin_nested") && is_with_value(outer_expression(outer))) {
      use.release = Release::kWith;  // `with Session(engine).begin():` returns the connection at the end
      use.release_where = m.location(outer);
    } else if (called && attr != "close" && !use.module_level) {
      use.release = Release::kThrowAway;
      use.release_where = m.location(outer);
    }
    return;
  }
  if (ts::Node owner = argument_of(expr)) {
    use.release_where = m.location(owner);
    if (is_closing_call(m, owner)) {
      use.release = Release::kClosing;
      return;
    }
    ts::Node direct = expr;
    if (ts::Node kw = expr.parent(); kw && kind_of(kw) == Kind::kKeywordArgument) direct = kw;
    std::vector<Handover> pending;
    if (hands_over(m, Occurrences::Pass{owner, direct}, function_at(m, function), 0, &pending)) {
      use.release = Release::kPassed;
    } else {
      use.release = Release::kNever;  // lent to a call that neither closes nor keeps it
      use.lent = true;
      use.handovers = std::move(pending);
    }
    return;
  }
  if (pk == Kind::kReturnStatement) {
    use.release = Release::kReturned;
    use.release_where = m.location(p);
    return;
  }
  if (pk == Kind::kYield) {
    use.yielded = true;
    use.release = Release::kNever;  // nothing can close an unnamed object after the yield
    use.release_where = m.location(p);
    return;
  }
  if (pk == Kind::kAssignment && py::field(p, Field::kRight) == expr) {
    ts::Node target = py::field(p, Field::kLeft);
    if (kind_of(target) != Kind::kIdentifier) {
      use.release = Release::kStored;  // self.session = Session(), registry[key] = engine.connect()
      use.name = std::string(m.text(target));
      return;
    }
    use.name = std::string(m.text(target));
    if (body && kind_of(p.parent()) == Kind::kExpressionStatement) {
      classify_named(m, p, target, body, function_at(m, function), use.connection, fixture_once, use);
    }
  }
}

}  // namespace

bool releases_connection(Release release) {
  return release == Release::kWith || release == Release::kFinally || release == Release::kClosing ||
         release == Release::kExceptAndHappy || release == Release::kTeardown;
}

bool is_with_item(ts::Node call, bool& async_with) {
  const ts::Node expr = outer_expression(call);
  if (!is_with_value(expr)) return false;
  ts::Node item = expr.parent();
  if (kind_of(item) != Kind::kWithItem) item = item.parent();
  ts::Node statement = item.parent() ? item.parent().parent() : ts::Node();
  async_with = statement && kind_of(statement) == Kind::kWithStatement && statement.child_count() > 0 &&
               kind_of(statement.child(0)) == Kind::kAsync;
  return true;
}

std::string_view release_name(Release release) {
  switch (release) {
    case Release::kUnknown: return "unknown";
    case Release::kWith: return "with";
    case Release::kFinally: return "finally";
    case Release::kExceptAndHappy: return "except-and-after";
    case Release::kClosing: return "closing";
    case Release::kReturned: return "returned";
    case Release::kStored: return "stored";
    case Release::kPassed: return "passed";
    case Release::kTeardown: return "teardown";
    case Release::kHappyPathOnly: return "happy-path-only";
    case Release::kExceptOnly: return "except-only";
    case Release::kNever: return "never";
    case Release::kThrowAway: return "throw-away";
  }
  return "unknown";
}

}  // namespace sqla
