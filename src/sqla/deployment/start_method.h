#pragma once
// multiprocessing start methods as values: `multiprocessing.get_context("fork")` evaluates to a
// context the interpreter carries through names and arguments (`ctx = mp.get_context("fork")`,
// `ProcessPoolExecutor(mp_context=ctx)`), so a pool's start method is read from what the code
// passes, not from how it is spelled (facts PA402: fork inherits the parent's sockets, spawn and
// forkserver start a fresh interpreter).
#include <optional>
#include <string_view>

#include "py/module.h"
#include "py/value.h"

namespace sqla {

enum class StartMethod {
  kDefault,     ///< the platform's default: fork on Linux before Python 3.14
  kFork,
  kSpawn,
  kForkServer,
  kUnknown,     ///< a context the code computes (`get_context(os.environ["MP"])`)
};

/// The value of `multiprocessing.get_context(method)`: `multiprocessing` itself for the default
/// context (its Pool and Process are the module's), "multiprocessing.context.ForkContext()" and
/// the like for a named method; nullopt for other calls and for a method not known here.
std::optional<py::Value> multiprocessing_context(const py::CallSite& call);

/// The start method of a context value (what multiprocessing_context() gives); kUnknown for
/// anything else.
StartMethod context_start_method(const py::Value& context);

/// A call that starts processes (`Pool` / `Process` of multiprocessing or of a context,
/// `multiprocessing.pool.Pool(context=...)`, `concurrent.futures.ProcessPoolExecutor(mp_context=...)`)
/// and the start method its processes use; nullopt when the call starts none.
std::optional<StartMethod> process_start_method(const py::CallSite& call);

/// True when processes started this way inherit the parent's open sockets (fork, and the default
/// while it is fork); kUnknown counts as not known to fork (rules stay silent).
bool inherits_sockets(StartMethod method);

}  // namespace sqla
