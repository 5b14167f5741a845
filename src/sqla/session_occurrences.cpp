// What the occurrences of a session's (or connection's) name inside one function say about it:
// closed (in finally / except), used, passed to a call, returned, yielded, stored, committed. The
// release analysis and the parameter-custody analysis both read these, so they live apart from
// either; the small syntax helpers they share (outer_expression, is_with_value, ...) sit here too.
#include <algorithm>
#include <cstring>
#include <vector>

#include "sqla/session_analysis.h"

namespace sqla {
using namespace session_analysis;  // NOLINT(google-build-using-namespace): this concern's helpers

namespace session_analysis {

bool is_type(ts::Node n, const char* type) { return n && std::strcmp(n.type(), type) == 0; }

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


namespace {

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

}  // namespace

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
      if (is_closing_call(m, a.parent())) {
        o.closing = true;
      } else {
        ts::Node direct = expr;
        if (ts::Node kw = expr.parent(); kw && kind_of(kw) == Kind::kKeywordArgument) direct = kw;
        o.passes.push_back({a.parent(), direct.parent() == a ? direct : ts::Node()});
      }
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

/// Every identifier `name` under `body`, in source order (iterative walk).
std::vector<ts::Node> identifiers(const py::Module& m, ts::Node body, std::string_view name) {
  std::vector<ts::Node> out;
  ts::walk_preorder(body, [&](ts::Node node) {
    if (kind_of(node) == Kind::kIdentifier && m.text(node) == name) out.push_back(node);
    return true;
  });
  return out;
}

}  // namespace session_analysis

}  // namespace sqla
