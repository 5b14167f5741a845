#pragma once
// Threads that may run a file's database code (PA118): explicit threads and
// thread-pool executors, sync endpoints and dependencies that FastAPI runs in
// its threadpool, Flask's threaded server, and test clients that serve requests
// on a portal thread. Filled in the file phase; the question "does a thread
// reach this engine" is answered over the project's facts.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "py/module.h"
#include "sqla/facts.h"

namespace sqla {

/// Collects FileFacts::thread_sources during the file phase.
class ThreadFacts {
public:
  /// Every call the interpreter evaluates: threading.Thread, executors,
  /// run_in_executor, to_thread.
  void on_call(const py::CallSite &call, FileFacts &facts);
  /// After the module pass: sync endpoints and dependencies, web apps and test
  /// clients of the file.
  void finish(const py::Module &module, FileFacts &facts) const;

private:
  std::set<uint32_t>
      seen_; // calls already recorded (a call is evaluated once per branch)
};

/// The thread source that reaches an engine of `file`, or nullopt when none
/// does: one in the same file; for a conftest.py engine, one in a test file
/// below it; for a module-level engine of a test module, one in a conftest.py
/// above it (the fixture chain); for a production engine, one anywhere in
/// production code, or a test client anywhere (tests drive the application's
/// engine through it).
std::optional<ThreadSource> thread_reaching(const ProjectFacts &facts,
                                            const FileFacts &file,
                                            const EngineSite &site);

} // namespace sqla
