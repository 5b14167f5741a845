#pragma once
// Entry points: which functions of a file run once per request, invocation or task (route
// handlers, FastAPI dependencies, middleware, Lambda / Cloud Functions handlers, Celery tasks,
// Django views), why, and where that was seen; plus the per-function facts PA111 (engine per call)
// and PA205 (scoped_session never removed) need. Filled while the syntax tree is alive; rules and
// other facts (serverless detection) read only these plain structs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/location.h"

namespace py {
class Module;
struct CallSite;
}  // namespace py

namespace ts {
class Node;
}  // namespace ts

namespace sqla {

struct FileFacts;
struct ProjectFacts;

/// What makes a function run per unit of work.
enum class EntryKind : uint8_t {
  /// `@app.get(...)`, `@bp.route(...)`, `add_api_route`, `Route(...)`, a class-based view method
  kRoute,
  kMiddleware,     ///< `@app.middleware("http")`, `@app.before_request`
  kDependency,     ///< the target of FastAPI `Depends(...)` / `Security(...)`
  kLambda,         ///< an AWS Lambda handler: a module-level `(event, context)` function
  kCloudFunction,  ///< `@functions_framework.http` / `.cloud_event`
  /// `@app.task`, `@shared_task`, `@dramatiq.actor`, `background_tasks.add_task(f)`, an arq
  /// `WorkerSettings.functions` entry, `queue.enqueue(f)` (RQ), `@job` (RQ), `@huey.task()`
  kTask,
  kDjangoView,     ///< a `views.py` function taking `request`
  /// `scheduler.add_job(f)` / `@scheduler.scheduled_job` (APScheduler), arq `cron(f)`
  kScheduledJob,
};

/// A function that runs per request / invocation / task.
struct EntryPoint {
  std::string function;  ///< qualified name in its module ("create_app.index", "ItemView.get")
  EntryKind kind = EntryKind::kRoute;
  std::string why;  ///< "@router.get(\"/items\")", "Depends(get_db)", "(event, context) handler"
  core::Location where;  ///< the `def`
  /// The decorator / Depends / registration (the `def` when it is the signature).
  core::Location evidence;
};

/// A call of a project function made inside a function (for "helpers they call, one level").
struct FunctionCall {
  std::string caller;  ///< qualified name of the calling function
  /// Qualified name of a function of the same module ("" when `symbol` is set).
  std::string callee;
  std::string symbol;  ///< another module's function ("app.db.get_engine")
  core::Location where;
};

/// `X.remove` / `X.close` written anywhere (called or passed as a callback), and
/// `register(X)` (zope.sqlalchemy): what releases a scoped_session registry (PA205).
struct RegistryRelease {
  std::string object;  ///< the receiver as written ("db_session", "app.db_session")
  std::string method;  ///< "remove", "close", "register"
  core::Location where;
};

/// `Depends(get_db)` / `add_task(send_mail)` naming another module's function: an entry point
/// there.
struct ForeignEntryPoint {
  std::string symbol;  ///< "app.deps.get_db"
  EntryKind kind = EntryKind::kDependency;
  std::string why;
  core::Location evidence;
};

/// `@worker.task` where `worker` is imported from another module: a task when that module binds
/// it to a task-queue app (`Celery(...)`, `huey.RedisHuey(...)`, a taskiq broker).
struct ForeignTaskDecorator {
  std::string function;  ///< the decorated function's qualified name in this module
  std::string receiver;  ///< the receiver's symbol ("app.worker.celery_app")
  EntryKind kind = EntryKind::kTask;
  std::string why;
  core::Location where;  ///< the `def`
};

struct EntryPointFacts {
  std::vector<EntryPoint> entry_points;
  std::vector<std::string> cached_functions;  ///< `@lru_cache` / `@cache`, or a `global` memo
  std::vector<FunctionCall> calls;
  std::vector<RegistryRelease> registry_releases;
  std::vector<ForeignEntryPoint> foreign_entry_points;
  std::vector<ForeignTaskDecorator> foreign_task_decorators;
  /// Generators decorated as context managers: (qualified name, "context manager" / "async context
  /// manager").
  std::vector<std::pair<std::string, std::string>> context_managers;

  const EntryPoint* find(std::string_view function) const;
  bool cached(std::string_view function) const;
};

/// "route handler", "FastAPI dependency", "Lambda handler", ... (for messages and --dump-facts).
std::string_view entry_kind_name(EntryKind kind);
/// What one run of such a function is: "request", "invocation", "task".
std::string_view entry_unit(EntryKind kind);

/// Records calls of project functions made inside functions (on_call of the facts builder).
void note_call(const py::CallSite& call, EntryPointFacts& out);

/// Classifies the module's functions once its analysis is complete (the tree is still alive).
void classify_entry_points(const py::Module& module, ts::Node root, std::string_view path,
                           EntryPointFacts& out);

/// The kind a decorator (or a call of one: `dramatiq.actor(f)`) gives the function it registers
/// when it is a task queue's or scheduler's: `symbol` is the callee's qualified name ("" when not
/// resolved), `callee` its text ("celery_app.task"). Not for web routes.
std::optional<EntryKind> task_registration(std::string_view symbol, std::string_view callee);

/// `symbol` ("celery.Celery()", "huey.RedisHuey()") is an instance of a task-queue app.
bool task_queue_app(std::string_view symbol);

/// Project phase: `Depends(x)` / `add_task(x)` of another module's function marks that function.
void resolve_entry_points(ProjectFacts& facts);

}  // namespace sqla
