#pragma once
// Session and connection ownership: which calls create a Session / AsyncSession / Connection, and
// how the enclosing function releases it (with, finally, returned, yielded, stored, never). The
// file phase classifies while the syntax tree is alive; rules read only the SessionUse facts.
// Implemented by concern: session_creation.cpp, session_occurrences.cpp, session_release.cpp,
// parameter_custody.cpp, registry_references.cpp, autocommit_store.cpp and resolve_sessions.cpp
// (the project phase), which share the private session_analysis.h.
#include <optional>
#include <string>
#include <vector>

#include "py/module.h"
#include "sqla/facts.h"
#include "ts/tree.h"

namespace sqla {

/// A call that creates a session or a connection.
struct SessionCreation {
  bool connection = false;
  std::string symbol;  ///< a project name still to confirm at project phase ("" when certain)
  bool foreign_bind = false;  ///< bind= something not known to be an engine (a connection owned elsewhere)
  bool unbound = false;       ///< a Session class called with no bind at all (no argument may carry one)
};

/// Recognises `SessionLocal()` (a sessionmaker instance), `Session(...)`, `AsyncSession(...)`,
/// `engine.connect()`, `engine.begin()`, `engine.raw_connection()`, `SessionLocal.begin()`; also,
/// to be confirmed later, such calls through another module's names (`from app.db import SessionLocal`).
std::optional<SessionCreation> session_creation(const py::CallSite& call);

/// True for the value of a call that makes a new Session: "sqlalchemy.orm.sessionmaker()()",
/// "sqlalchemy.orm.Session()", "sqlalchemy.ext.asyncio.AsyncSession()".
bool is_session_instance(std::string_view value);

/// Classifies how the creation at `call` (inside function `function`, -1 at module level) is
/// released, filling use.release / release_where / name / yielded / module_level.
void classify_release(const py::Module& module, ts::Node call, int function, SessionUse& use);

/// True when the call is the value of a `with` item; `async_with` tells `async with`.
bool is_with_item(ts::Node call, bool& async_with);

/// The parameters each module-level function or method closes or keeps (a session given there is
/// handed over), for calls from other modules.
void collect_parameter_custody(const py::Module& module, std::vector<ParameterCustody>& out);

/// References to module-level names that may be scoped_session registries (this module's own, or
/// imported from the project), and `X.remove` / `X.close` / `register(X)` on any other receiver.
void collect_registry_references(const py::Module& module, ts::Node root, std::vector<RegistryReference>& out);

/// True when a session taken from a registry and released this way holds no connection afterwards.
bool releases_connection(Release release);

/// `name["autocommit"] = True`, `name.setdefault("autocommit", True)` or `name.update(autocommit=True)`
/// on a dict that the call receives as `**name` (a `**kwargs` parameter, `self.options`).
struct AutocommitStore {
  core::Location where;
  std::string via;  ///< "**kwargs"
};
std::optional<AutocommitStore> autocommit_store(const py::Module& module, ts::Node call);

/// A short name for a Release value ("with", "finally", ...), for --dump-facts.
std::string_view release_name(Release release);

}  // namespace sqla
