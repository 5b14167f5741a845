#pragma once
// Background work registered by calls and class attributes rather than decorators: arq's
// `WorkerSettings.functions` / `cron_jobs` (and `Worker(functions=...)`), RQ's
// `queue.enqueue(f)`, APScheduler's `scheduler.add_job(f)`, and task decorators called as
// functions (`dramatiq.actor(f)`). Each registered function runs once per task or scheduled run.
#include "sqla/entry_points.h"
#include "ts/tree.h"

namespace py {
class Module;
}  // namespace py

namespace sqla {

/// Marks the functions this module hands to a task queue or scheduler as entry points (or, for
/// another module's function, as foreign entry points resolved per project).
void scan_task_registrations(const py::Module& module, ts::Node root, EntryPointFacts& out);

}  // namespace sqla
