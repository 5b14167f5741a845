#include "sqla/deployment/start_method.h"

#include <string>

namespace sqla {
namespace {

using py::ValueKind;

// CPython's concrete contexts (multiprocessing/context.py): get_context("fork") returns the
// ForkContext instance, and so on. The values carry these names so a context reads the same
// wherever it is passed.
constexpr std::string_view kDefaultContext = "multiprocessing";
struct NamedContext {
  std::string_view method;
  std::string_view symbol;
  StartMethod start;
};
constexpr NamedContext kContexts[] = {
    {"fork", "multiprocessing.context.ForkContext()", StartMethod::kFork},
    {"spawn", "multiprocessing.context.SpawnContext()", StartMethod::kSpawn},
    {"forkserver", "multiprocessing.context.ForkServerContext()", StartMethod::kForkServer},
};

/// The start method of a context named by `symbol`; nullopt when it names no context.
std::optional<StartMethod> context_named(std::string_view symbol) {
  if (symbol == kDefaultContext) return StartMethod::kDefault;
  for (const NamedContext& c : kContexts) {
    if (symbol == c.symbol) return c.start;
  }
  // `get_context(method)` with a method computed at run time.
  if (symbol == "multiprocessing.get_context()" || symbol == "multiprocessing.context.get_context()") {
    return StartMethod::kUnknown;
  }
  return std::nullopt;
}

/// The start method of a context passed as an argument: absent or None is the default context.
StartMethod context_argument(const py::Argument* argument) {
  if (!argument || argument->value->kind == ValueKind::kNone) return StartMethod::kDefault;
  return context_start_method(*argument->value);
}

}  // namespace

std::optional<py::Value> multiprocessing_context(const py::CallSite& call) {
  const py::Value& callee = call.callee;
  if (callee.kind != ValueKind::kSymbol ||
      (callee.text != "multiprocessing.get_context" && callee.text != "multiprocessing.context.get_context")) {
    return std::nullopt;
  }
  const core::Location where = call.module.location(call.node);
  const py::Argument* method = call.args.get("method", 0);
  if (!method) {
    if (!call.args.complete) return std::nullopt;  // `get_context(*args)`
    return py::Value::symbol(std::string(kDefaultContext), where);
  }
  if (method->value->kind == ValueKind::kNone) return py::Value::symbol(std::string(kDefaultContext), where);
  if (method->value->kind != ValueKind::kString || method->value->partial) return std::nullopt;
  for (const NamedContext& c : kContexts) {
    if (method->value->text == c.method) return py::Value::symbol(std::string(c.symbol), where);
  }
  return std::nullopt;  // get_context() raises ValueError for any other name
}

StartMethod context_start_method(const py::Value& context) {
  if (context.kind != ValueKind::kSymbol) return StartMethod::kUnknown;
  return context_named(context.text).value_or(StartMethod::kUnknown);
}

std::optional<StartMethod> process_start_method(const py::CallSite& call) {
  const py::Value& callee = call.callee;
  if (callee.kind != ValueKind::kSymbol) return std::nullopt;
  const std::string& q = callee.text;
  if (q == "multiprocessing.pool.Pool") return context_argument(call.args.get("context", 4));
  if (q == "concurrent.futures.ProcessPoolExecutor" || q == "concurrent.futures.process.ProcessPoolExecutor") {
    return context_argument(call.args.get("mp_context", 1));
  }
  // `Pool` and `Process` of the multiprocessing module or of a context: the context's method.
  const size_t dot = q.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string_view name = std::string_view(q).substr(dot + 1);
  if (name != "Pool" && name != "Process") return std::nullopt;
  return context_named(std::string_view(q).substr(0, dot));
}

bool inherits_sockets(StartMethod method) {
  return method == StartMethod::kFork || method == StartMethod::kDefault;
}

}  // namespace sqla
