#pragma once
// What a module's `if __name__ == "__main__":` block runs, read from the interpreter's call facts
// (py::Module::calls): the module functions it calls (through names, aliases and imports), and
// whether anything it reaches keeps the process running (a server start such as uvicorn.run,
// app.run, waitress's serve; an event loop; a worker; a `while` loop). A one-shot script's
// sessions end with the process (facts PA201); a server's do not.
#include <set>

#include "py/module.h"

namespace sqla {

struct MainBlockRun {
  /// Indexes (py::Module::functions) of the module-level functions the block runs: called from the
  /// block, or from a loop-free function it runs, two calls deep at most.
  std::set<int> runs;
  /// The block, or a function it runs, starts something that keeps running.
  bool long_running = false;
};

/// The run of `m`'s `__main__` block; empty when the module has none.
MainBlockRun main_block_run(const py::Module& m);

/// True when a call of `callee` (a resolved Symbol, or the method name of an unresolved receiver)
/// keeps the process running: its last name has a word such as run, serve, start, forever, loop,
/// worker, listen, poll or consume (`uvicorn.run`, `waitress.serve`, `server.serve_forever`,
/// `loop.run_forever`, `app.worker_main`), not a word that merely contains one (`restart_db`).
bool starts_long_running(std::string_view callee_name);

}  // namespace sqla
