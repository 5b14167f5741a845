// Which calls create a Session / AsyncSession / Connection (session_creation), and the
// SQLAlchemy names that tell them (Session classes, sessionmaker instances, Engine objects). Kept
// apart from the release analysis: recognising a creation needs only the resolved call.
#include <algorithm>
#include <cctype>

#include "sqla/session_analysis.h"

namespace sqla {
using namespace session_analysis;  // NOLINT(google-build-using-namespace): this concern's helpers

namespace session_analysis {

bool is_library(std::string_view symbol) { return symbol.starts_with("sqlalchemy.") || symbol.starts_with("sqlmodel."); }

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

}  // namespace session_analysis

namespace {

bool contains_ci(std::string_view text, std::string_view word) {
  auto it = std::search(text.begin(), text.end(), word.begin(), word.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != text.end();
}

/// A project name that may hold a factory or an engine (confirmed at project phase).
bool is_project_candidate(std::string_view symbol, std::string_view word) {
  if (symbol.empty() || symbol.find("()") != std::string_view::npos || is_library(symbol)) return false;
  if (symbol.starts_with("flask_sqlalchemy") || symbol.starts_with("builtins.")) return false;
  if (symbol.find('.') == std::string_view::npos) return false;
  return contains_ci(last_component(symbol), word);
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

}  // namespace sqla
