#include "sqla/sessions.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

#include "core/text.h"
#include "py/grammar.h"
#include "sqla/module_table.h"

namespace sqla {
namespace {

using core::last_component;
using py::Field;
using py::Kind;
using py::kind_of;
using py::ValueKind;

constexpr int kMaxClimb = 256;  // ancestors followed from an identifier to its function body

bool is_library(std::string_view symbol) { return symbol.starts_with("sqlalchemy.") || symbol.starts_with("sqlmodel."); }
bool contains_ci(std::string_view text, std::string_view word) {
  auto it = std::search(text.begin(), text.end(), word.begin(), word.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != text.end();
}
bool is_type(ts::Node n, const char* type) { return n && std::strcmp(n.type(), type) == 0; }

/// Session classes: instantiating one opens a session (the connection is acquired lazily, on first use).
bool is_session_class(std::string_view symbol) {
  if (!is_library(symbol)) return false;
  const std::string_view last = last_component(symbol);
  return last == "Session" || last == "AsyncSession";
}

/// `SessionLocal = sessionmaker(...)`: calling the instance gives a Session. scoped_session is a registry.
bool is_sessionmaker_instance(std::string_view symbol) {
  return is_library(symbol) && (symbol.ends_with(".sessionmaker()") || symbol.ends_with(".async_sessionmaker()"));
}

bool is_engine_object(const py::Value* v) {
  return v && v->kind == ValueKind::kObject &&
         (v->text == "sqlalchemy.engine.Engine" || v->text == "sqlalchemy.ext.asyncio.AsyncEngine");
}

/// A project name that may hold a factory or an engine (confirmed at project phase).
bool is_project_candidate(std::string_view symbol, std::string_view word) {
  if (symbol.empty() || symbol.find("()") != std::string_view::npos || is_library(symbol)) return false;
  if (symbol.starts_with("flask_sqlalchemy") || symbol.starts_with("builtins.")) return false;
  if (symbol.find('.') == std::string_view::npos) return false;
  return contains_ci(last_component(symbol), word);
}

/// Skips `await` and parentheses around an expression.
ts::Node outer_expression(ts::Node expr) {
  for (ts::Node p = expr.parent(); p; p = p.parent()) {
    const Kind k = kind_of(p);
    if (k != Kind::kAwait && k != Kind::kParenthesizedExpression) break;
    expr = p;
  }
  return expr;
}

/// True when the (outer) expression is the value of a `with` item (`with x:` / `with x as y:`).
bool is_with_value(ts::Node expr) {
  ts::Node p = expr.parent();
  if (is_type(p, "as_pattern")) p = p.parent();
  return p && kind_of(p) == Kind::kWithItem;
}

/// The call whose argument list holds `expr` directly (positional or keyword), or a null node.
ts::Node argument_of(ts::Node expr) {
  ts::Node p = expr.parent();
  if (p && kind_of(p) == Kind::kKeywordArgument) p = p.parent();
  if (p && kind_of(p) == Kind::kArgumentList) return p.parent();
  return ts::Node();
}

bool is_closing_call(const py::Module& m, ts::Node call) {
  return call && last_component(m.text(py::field(call, Field::kFunction))) == "closing";
}

/// What the ancestors of an occurrence of the name say about it.
struct Occurrences {
  bool with = false, closing = false, teardown = false, stored = false, returned = false, passed = false,
       yielded = false;
  std::vector<uint32_t> uses;  ///< start bytes of uses that may acquire a connection or raise
  struct Close {
    uint32_t at;
    core::Location where;
    bool in_finally;
    bool in_except;
  };
  std::vector<Close> closes;
  std::vector<uint32_t> yields;
  struct Commit {
    core::Location where;
    uint32_t body_begin, body_end;  ///< the body of the `try` whose `finally` commits
  };
  std::vector<Commit> finally_commits;
  core::Location with_where, yield_where, return_where;
  std::vector<std::pair<uint32_t, core::Location>> plain_commits;
  bool yield_swallowed = false;  ///< a yield inside `try` whose `except:` catches everything and goes on
};

/// True when `node` sits in the body of a `try` with an `except:` / `except Exception:` clause that
/// does not re-raise: the code after that `try` runs after an error too.
bool swallowed(const py::Module& m, ts::Node node, ts::Node body) {
  ts::Node child = node;
  int depth = 0;
  for (ts::Node a = node.parent(); a && !(a == body) && ++depth < kMaxClimb; child = a, a = a.parent()) {
    if (kind_of(a) != Kind::kTryStatement || !(py::field(a, Field::kBody) == child)) continue;
    for (uint32_t i = 0; i < a.named_child_count(); ++i) {
      ts::Node clause = a.named_child(i);
      if (kind_of(clause) != Kind::kExceptClause || clause.named_child_count() == 0) continue;
      ts::Node type = clause.named_child(0);
      if (is_type(type, "as_pattern") && type.named_child_count() > 0) type = type.named_child(0);
      const std::string_view t = m.text(type);
      const bool catches_all = kind_of(type) == Kind::kBlock || t == "Exception" || t == "BaseException";
      const std::string_view clause_text = m.text(clause);
      if (catches_all && clause_text.find("raise") == std::string_view::npos) return true;
    }
  }
  return false;
}

void classify_occurrence(const py::Module& m, ts::Node id, ts::Node body, Occurrences& o) {
  // Ancestors up to the function body: a nested function or lambda that sees the name owns it too.
  bool in_finally = false, in_except = false;
  ts::Node finally_try;
  int depth = 0;
  for (ts::Node a = id.parent(); a && !(a == body); a = a.parent()) {
    if (kind_of(a) == Kind::kFinallyClause && !in_finally) finally_try = a.parent();
    const Kind k = kind_of(a);
    if (k == Kind::kFunctionDefinition || k == Kind::kLambda || k == Kind::kClassDefinition ||
        k == Kind::kGlobalStatement || is_type(a, "nonlocal_statement")) {
      o.stored = true;
      return;
    }
    if (k == Kind::kFinallyClause) in_finally = true;
    if (k == Kind::kExceptClause) in_except = true;
    if (++depth > kMaxClimb) {
      o.stored = true;
      return;
    }
  }
  ts::Node p = id.parent();
  const Kind pk = kind_of(p);
  if (pk == Kind::kAttribute && py::field(p, Field::kObject) == id) {
    const std::string_view attr = m.text(py::field(p, Field::kAttribute));
    ts::Node call = p.parent();
    const bool called = call && kind_of(call) == Kind::kCall && py::field(call, Field::kFunction) == p;
    if (attr == "close") {
      if (!called) {
        o.teardown = true;  // `atexit.register(conn.close)`, `request.addfinalizer(db.close)`
        return;
      }
      o.closes.push_back({call.start_byte(), m.location(call), in_finally, in_except});
      return;
    }
    if (attr == "commit" && called && !in_finally && !in_except) o.plain_commits.push_back({call.start_byte(), m.location(call)});
    if (attr == "commit" && called && in_finally && finally_try) {
      if (ts::Node try_body = py::field(finally_try, Field::kBody)) {
        o.finally_commits.push_back({m.location(call), try_body.start_byte(), try_body.end_byte()});
      }
    }
    if (called && is_with_value(outer_expression(call))) {
      o.with = true;  // `with db.begin():` ends the transaction, which returns the connection
      if (!o.with_where.valid()) o.with_where = m.location(call);
      return;
    }
    // `db.info = x` / `db.execute(...)`: a use; the attribute of a target is still the same object.
    o.uses.push_back(id.start_byte());
    return;
  }
  const ts::Node expr = outer_expression(id);
  if (is_with_value(expr)) {
    o.with = true;
    if (!o.with_where.valid()) o.with_where = m.location(expr);
    return;
  }
  // Climb the expression to the statement: the first construct that takes the object decides.
  for (ts::Node a = expr.parent(); a && !(a == body); a = a.parent()) {
    const Kind k = kind_of(a);
    if (k == Kind::kArgumentList) {
      if (is_closing_call(m, a.parent())) o.closing = true;
      else o.passed = true;
      o.uses.push_back(id.start_byte());
      return;
    }
    if (k == Kind::kReturnStatement) {
      o.returned = true;
      if (!o.return_where.valid()) o.return_where = m.location(a);
      return;
    }
    if (k == Kind::kYield) {
      o.yielded = true;
      o.yields.push_back(a.start_byte());
      if (swallowed(m, a, body)) o.yield_swallowed = true;
      if (!o.yield_where.valid()) o.yield_where = m.location(a);
      return;
    }
    if (k == Kind::kAssignment || k == Kind::kAugmentedAssignment || k == Kind::kNamedExpression) {
      // Rebinding the name, aliasing it or storing it somewhere: ownership moves out of sight.
      o.stored = true;
      return;
    }
    if (k == Kind::kDeleteStatement) return;
    if (k == Kind::kWithItem || k == Kind::kBlock || k == Kind::kExpressionStatement || k == Kind::kIfStatement ||
        k == Kind::kWhileStatement || k == Kind::kForStatement || k == Kind::kRaiseStatement) {
      break;
    }
  }
  // A comparison or a truth test (`if db is not None`): not an escape.
}

/// Visits the nodes of a function body without entering nested functions, lambdas or classes.
template <typename Visit>
void walk_function(ts::Node body, Visit&& visit) {
  ts::walk_preorder(body, [&](ts::Node node) {
    visit(node);
    const Kind k = kind_of(node);
    return k != Kind::kFunctionDefinition && k != Kind::kLambda && k != Kind::kClassDefinition;
  });
}

/// Every identifier `name` under `body`, in source order (iterative walk).
std::vector<ts::Node> identifiers(const py::Module& m, ts::Node body, std::string_view name) {
  std::vector<ts::Node> out;
  ts::walk_preorder(body, [&](ts::Node node) {
    if (kind_of(node) == Kind::kIdentifier && m.text(node) == name) out.push_back(node);
    return true;
  });
  return out;
}

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

void classify_named(const py::Module& m, ts::Node assignment, ts::Node target, ts::Node body, bool connection,
                    bool fixture_once, SessionUse& use) {
  Occurrences o;
  for (ts::Node id : identifiers(m, body, use.name)) {
    if (id == target) continue;
    classify_occurrence(m, id, body, o);
  }
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
  // A commit in `finally` runs after the protected code raised too (partial work is persisted).
  for (const Occurrences::Commit& c : o.finally_commits) {
    auto inside = [&](uint32_t at) { return at >= c.body_begin && at < c.body_end; };
    if (std::any_of(o.uses.begin(), o.uses.end(), inside) || std::any_of(o.yields.begin(), o.yields.end(), inside)) {
      use.commit_in_finally = c.where;
      break;
    }
  }
  // `try: yield db` / `except: pass` / `db.commit()`: the commit runs after an error as well.
  if (!use.commit_in_finally.valid() && o.yield_swallowed && !o.yields.empty()) {
    for (const auto& [at, where] : o.plain_commits) {
      if (at > o.yields.front()) {
        use.commit_in_finally = where;
        use.commit_after_except = true;
        break;
      }
    }
  }
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
  } else if (except_close) {
    // `except: db.rollback(); db.close(); raise` plus a close after it covers both paths.
    use.release = happy != o.closes.end() ? Release::kExceptAndHappy : Release::kUnknown;
  } else if (o.passed && o.closes.empty()) {
    use.release = Release::kPassed;  // a callee may own it: silence
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

/// `Session(bind=connection)`: the connection belongs to the caller (the test-transaction recipe),
/// so not closing the Session leaks nothing from the pool.
bool foreign_bind(const py::ArgumentSet& args, bool positional) {
  const py::Argument* bind = positional ? args.get("bind", 0) : args.find("bind");
  if (!bind) return false;
  const py::Value& v = *bind->value;
  if (is_engine_object(&v)) return false;
  return !(v.kind == ValueKind::kSymbol && contains_ci(last_component(v.text), "engine"));
}

bool is_session_instance(std::string_view value) {
  if (!value.ends_with("()")) return false;
  const std::string_view made_by = value.substr(0, value.size() - 2);
  return is_session_class(made_by) || is_sessionmaker_instance(made_by);
}

std::optional<SessionCreation> session_creation(const py::CallSite& call) {
  const py::Value& callee = call.callee;
  if (callee.kind == ValueKind::kSymbol) {
    const std::string& s = callee.text;
    if (is_session_class(s)) {
      const bool no_bind = call.args.complete && call.args.positional.empty() &&
                           std::none_of(call.args.keywords.begin(), call.args.keywords.end(), [](const py::Argument& a) {
                             return a.name == "bind" || a.name == "binds" || a.name == "**";
                           });
      return SessionCreation{false, "", foreign_bind(call.args, true), no_bind};
    }
    if (is_sessionmaker_instance(s)) return SessionCreation{false, "", foreign_bind(call.args, false)};
    // `SessionLocal.begin()`: a Session whose context manager commits and closes it.
    if (call.method == "begin" && s.ends_with(".begin") &&
        is_sessionmaker_instance(std::string_view(s).substr(0, s.size() - 6))) {
      return SessionCreation{false, ""};
    }
    // `SessionLocal()` / `database.SessionLocal()` with the factory in another module.
    const bool module_attribute = call.receiver && call.receiver->kind == ValueKind::kSymbol;
    if ((call.method.empty() || module_attribute) && (is_project_candidate(s, "session") || is_project_candidate(s, "db"))) {
      return SessionCreation{false, s, foreign_bind(call.args, false)};
    }
  }
  const std::string_view method = call.method;
  if (method == "connect" || method == "raw_connection" || method == "begin") {
    if (is_engine_object(call.receiver)) return SessionCreation{true, ""};
    if (call.receiver && call.receiver->kind == ValueKind::kSymbol) {
      // `engine.connect()` with another module's engine, or `get_engine().connect()` / `engine =
      // _engine()` with a project function's result: confirmed when it resolves to an engine.
      const std::string& r = call.receiver->text;
      const std::string_view made_by = r.ends_with("()") ? std::string_view(r).substr(0, r.size() - 2) : std::string_view(r);
      if (is_project_candidate(made_by, "engine")) return SessionCreation{true, r};
    }
  }
  return std::nullopt;
}

void classify_release(const py::Module& m, ts::Node call, int function, SessionUse& use) {
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
      for (ts::Node id : identifiers(m, body, use.name)) {
        if (ts::Node p = outer_expression(id).parent(); p && kind_of(p) == Kind::kYield) use.yielded = true;
      }
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
    use.release = is_closing_call(m, owner) ? Release::kClosing : Release::kPassed;
    use.release_where = m.location(owner);
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
      classify_named(m, p, target, body, use.connection, fixture_once, use);
    }
  }
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
    case Release::kNever: return "never";
    case Release::kThrowAway: return "throw-away";
  }
  return "unknown";
}

namespace {

/// The value a project name holds, following re-exports through other modules.
/// `importer`: the file that names `symbol` (of same-named modules, the nearest is meant).
const py::Value* resolve_symbol(const ModuleTable& modules, std::string_view symbol,
                                std::string_view importer, int depth = 0) {
  if (depth > 4) return nullptr;
  std::string_view rest;
  const FileFacts* home = modules.home_of(symbol, importer, rest);
  if (!home) return nullptr;
  auto it = home->exports.names.find(std::string(rest));
  if (it == home->exports.names.end() || it->second.size() != 1) return nullptr;  // several values: silence
  const py::Value* v = it->second[0].value.get();
  if (v->kind == ValueKind::kSymbol && !is_library(v->text)) {
    if (const py::Value* next = resolve_symbol(modules, v->text, home->path, depth + 1)) return next;
  }
  return v;
}

}  // namespace

void resolve_sessions(ProjectFacts& facts) {
  resolve_entry_points(facts);
  const ModuleTable modules(facts);
  for (FileFacts& file : facts.files) {
    for (WithCall& w : file.with_calls) {
      if (w.symbol.empty()) continue;
      std::string_view rest;
      const FileFacts* home = modules.home_of(w.symbol, file.path, rest);
      if (!home) continue;
      for (const auto& [name, is_async] : home->plain_generators) {
        if (name != rest) continue;
        w.plain_generator = true;
        w.async_generator = is_async;
      }
    }
    for (SessionUse& use : file.sessions) {
      if (use.symbol.empty()) continue;
      const py::Value* v = resolve_symbol(modules, use.symbol, file.path);
      if (!v) continue;
      if (v->kind == ValueKind::kFunction) {
        // `get_session()` of another module, returning a new Session: the caller owns it.
        const py::Value* made =
            use.connection ? nullptr : resolve_symbol(modules, use.symbol + "()", file.path);
        use.confirmed = made && made->kind == ValueKind::kSymbol && is_session_instance(made->text);
        continue;
      }
      use.confirmed = use.connection ? is_engine_object(v)
                                     : v->kind == ValueKind::kSymbol &&
                                           (is_session_class(v->text) || is_sessionmaker_instance(v->text));
    }
  }
}

}  // namespace sqla
