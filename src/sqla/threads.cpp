#include "sqla/threads.h"

#include <algorithm>
#include <string_view>

#include "core/text.h"

namespace sqla {
namespace {

// Calls that run a callable on another thread. pysqlite's SingletonThreadPool
// gives each of those threads its own :memory: database.
constexpr std::pair<std::string_view, std::string_view> kThreadCalls[] = {
    {"threading.Thread", "threading.Thread"},
    {"threading.Timer", "threading.Timer"},
    {"concurrent.futures.ThreadPoolExecutor", "a ThreadPoolExecutor"},
    {"concurrent.futures.thread.ThreadPoolExecutor", "a ThreadPoolExecutor"},
    {"multiprocessing.pool.ThreadPool", "a multiprocessing ThreadPool"},
    {"multiprocessing.dummy.Pool", "a multiprocessing.dummy pool"},
    {"asyncio.to_thread", "asyncio.to_thread"},
    {"anyio.to_thread.run_sync", "anyio.to_thread.run_sync"},
    {"starlette.concurrency.run_in_threadpool", "run_in_threadpool"},
    {"fastapi.concurrency.run_in_threadpool", "run_in_threadpool"},
    {"werkzeug.serving.run_simple", "werkzeug's threaded server"},
};

std::string at(const core::Location &where) {
  return where.path + ":" + std::to_string(where.range.begin.line);
}

/// The module imports `package` (a global bound to one of its names).
bool imports(const py::Module &module, std::string_view package) {
  for (const auto &[name, alts] : module.globals()) {
    for (const py::Alt &a : alts) {
      if (a.value->kind != py::ValueKind::kSymbol)
        continue;
      const std::string_view text = a.value->text;
      if (text.substr(0, text.find('.')) == package)
        return true;
    }
  }
  return false;
}

bool is_conftest(std::string_view path) {
  return core::basename(path) == "conftest.py";
}

/// The directory of a path, with a trailing '/' ("" for the root).
std::string_view directory(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view()
                                         : path.substr(0, slash + 1);
}

const ThreadSource *first_source(const FileFacts &file) {
  return file.thread_sources.empty() ? nullptr : &file.thread_sources.front();
}

} // namespace

void ThreadFacts::on_call(const py::CallSite &call, FileFacts &facts) {
  std::string what;
  if (call.callee.kind == py::ValueKind::kSymbol) {
    for (const auto &[name, description] : kThreadCalls) {
      if (call.callee.text == name)
        what = description;
    }
  }
  if (what.empty() && call.method == "run_in_executor")
    what = "run_in_executor";
  if (what.empty() || !seen_.insert(call.node.start_byte()).second)
    return;
  facts.thread_sources.push_back(
      ThreadSource{what, call.module.location(call.node), false});
}

void ThreadFacts::finish(const py::Module &module, FileFacts &facts) const {
  for (const WebApp &app : facts.web_apps) {
    if (app.test_client) {
      // Starlette's TestClient runs the app through an anyio portal thread, and
      // sync endpoints in the threadpool: neither is the test's thread.
      facts.thread_sources.push_back(
          ThreadSource{"the TestClient at " + at(app.where), app.where, true});
    } else if (app.framework == "flask") {
      facts.thread_sources.push_back(ThreadSource{
          "Flask's threaded server (the app at " + at(app.where) + ")",
          app.where, false});
    }
  }
  // FastAPI runs `def` endpoints and dependencies in its threadpool (async ones
  // on the event loop).
  if (!imports(module, "fastapi"))
    return;
  for (const EntryPoint &e : facts.entry.entry_points) {
    if (e.kind != EntryKind::kRoute && e.kind != EntryKind::kDependency)
      continue;
    const auto &functions = module.functions();
    auto f = std::find_if(functions.begin(), functions.end(),
                          [&](const py::FunctionInfo &info) {
                            return info.qualified_name == e.function;
                          });
    if (f == functions.end() || f->is_async)
      continue;
    const char *kind =
        e.kind == EntryKind::kRoute ? "sync endpoint" : "sync dependency";
    facts.thread_sources.push_back(
        ThreadSource{"FastAPI's threadpool (" + std::string(kind) + " `" +
                         e.function + "` at " + at(e.where) + ")",
                     e.where, false});
  }
}

std::optional<ThreadSource> thread_reaching(const ProjectFacts &facts,
                                            const FileFacts &file,
                                            const EngineSite &site) {
  if (const ThreadSource *own = first_source(file))
    return *own;
  const bool module_level = site.function.empty();
  if (file.is_test) {
    const std::string_view dir = directory(file.path);
    for (const FileFacts &other : facts.files) {
      if (&other == &file || !other.is_test || other.thread_sources.empty())
        continue;
      const std::string_view other_dir = directory(other.path);
      // A conftest.py's fixtures serve the tests below it; a test module's
      // module-level engine is used by the fixtures of the conftest.py files
      // above it.
      const bool below =
          is_conftest(file.path) && other.path.rfind(dir, 0) == 0;
      const bool above = module_level && is_conftest(other.path) &&
                         file.path.rfind(other_dir, 0) == 0;
      if (below || above)
        return other.thread_sources.front();
    }
    return std::nullopt;
  }
  if (file.role != core::FileRole::kProduction)
    return std::nullopt;
  // The application's engine: its own threads, or tests driving it through a
  // TestClient.
  for (const FileFacts &other : facts.files) {
    if (&other == &file)
      continue;
    for (const ThreadSource &s : other.thread_sources) {
      if (other.role == core::FileRole::kProduction || s.test_client)
        return s;
    }
  }
  return std::nullopt;
}

} // namespace sqla
