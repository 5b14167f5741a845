#pragma once
// Private to the session analysis (src/sqla/session_*.cpp, parameter_custody.cpp,
// registry_references.cpp, autocommit_store.cpp, resolve_sessions.cpp): what those files share.
// The public surface is sqla/sessions.h; nothing outside src/sqla/ includes this header.
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "py/grammar.h"
#include "py/module.h"
#include "sqla/facts.h"
#include "sqla/sessions.h"
#include "ts/tree.h"

namespace sqla::session_analysis {

using core::last_component;
using py::Field;
using py::Kind;
using py::kind_of;
using py::ValueKind;

constexpr int kMaxClimb = 256;  // ancestors followed from an identifier to its function body

/// A SQLAlchemy or SQLModel name (a library symbol, never followed into the project).
bool is_library(std::string_view symbol);
bool is_type(ts::Node n, const char* type);

/// Session classes: instantiating one opens a session (the connection is acquired lazily, on first use).
bool is_session_class(std::string_view symbol);
/// `SessionLocal = sessionmaker(...)`: calling the instance gives a Session. scoped_session is a registry.
bool is_sessionmaker_instance(std::string_view symbol);
bool is_engine_object(const py::Value* v);

/// Skips `await` and parentheses around an expression.
ts::Node outer_expression(ts::Node expr);
/// True when the (outer) expression is the value of a `with` item (`with x:` / `with x as y:`).
bool is_with_value(ts::Node expr);
/// The call whose argument list holds `expr` directly (positional or keyword), or a null node.
ts::Node argument_of(ts::Node expr);
bool is_closing_call(const py::Module& m, ts::Node call);

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
  /// Calls that receive the object as an argument (`run(db)`, `service(db_session=db)`): the
  /// argument node is the direct child of the argument list, or null when nested (`f((db,))`).
  struct Pass {
    ts::Node call;
    ts::Node argument;
  };
  std::vector<Pass> passes;
};

/// Adds what the occurrence `id` of the name (inside function body `body`) says to `o`.
void classify_occurrence(const py::Module& m, ts::Node id, ts::Node body, Occurrences& o);

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
std::vector<ts::Node> identifiers(const py::Module& m, ts::Node body, std::string_view name);

/// The last module-level definition of `qualified` ("f", "Class.method") in this module, or nullptr.
const py::FunctionInfo* module_function(const py::Module& m, std::string_view qualified);
/// The one project symbol a module-level name holds (an import from the project), or "".
std::string imported_symbol(const py::Module& m, std::string_view name);

/// Whether giving the object to `pass.call` hands it over: the callee keeps it (a container, an
/// exit stack, `setattr`), or is a function of this module that closes or keeps that parameter, or
/// a class whose instance leaves the function with it. Another module's function is recorded in
/// `pending` for the project phase. Any other callee (a library call such as
/// `MigrationContext.configure(conn)`, a service taking `db_session=`) only borrows it.
bool hands_over(const py::Module& m, const Occurrences::Pass& pass, const py::FunctionInfo* caller, int depth,
                std::vector<Handover>* pending);
/// True when function `f` closes or keeps its parameter `parameter` (following calls `depth` deep).
bool keeps_or_closes(const py::Module& m, const py::FunctionInfo& f, std::string_view parameter, int depth);
/// The function at index `function` of the module, or nullptr (module level, -1).
const py::FunctionInfo* function_at(const py::Module& m, int function);

}  // namespace sqla::session_analysis
