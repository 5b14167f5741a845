#pragma once
// Web-framework knowledge for the file phase: which calls build an application or a test client
// (threaded request handling, PA118), which decorators register FastAPI start-up / shutdown
// handlers (PA403), and which calls in a function use the database.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "py/module.h"
#include "sqla/facts.h"

namespace sqla {

/// The framework a constructor builds an application for ("fastapi" for fastapi.FastAPI), or a
/// test client (`test_client`); nullopt for other callees.
std::optional<WebApp> web_app_call(std::string_view qualified_callee);

/// The event of an `x.on_event("startup")` decorator, from its resolved callee and text; nullopt
/// when the decorator is not on_event or the event is not a literal.
std::optional<std::string> on_event_decorator(const py::Value& decorator, std::string_view text);

/// What the call does with the database: creates an engine, opens a session or connection,
/// disposes an engine, creates or drops tables; nullopt otherwise. `session_created` is the
/// sessions layer's verdict on the same call.
std::optional<std::string> database_use(const py::CallSite& call, bool engine_created, bool session_created);

/// Collects FileFacts::web_apps, event_handlers and database_functions during the file phase.
class WebFacts {
 public:
  /// Every call the interpreter evaluates.
  void on_call(const py::CallSite& call, FileFacts& facts);
  /// After the module pass, while the tree is alive.
  void finish(const py::Module& module, FileFacts& facts) const;

 private:
  /// Database use of a function, directly or through a function of this module it calls.
  std::optional<DatabaseUse> database_use_of(int function) const;

  std::set<uint32_t> seen_apps_;
  std::map<int, DatabaseUse> database_uses_;            // function index -> first database use
  std::map<int, std::set<int>> local_calls_;            // function index -> functions of this module it calls
  std::map<int, std::set<std::string>> project_calls_;  // function index -> other names it calls
};

}  // namespace sqla
