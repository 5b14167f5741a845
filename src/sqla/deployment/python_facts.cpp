// Python side of the deployment facts: what evaluated calls and the analysed module say about where
// the code runs (ASGI apps, Mangum, CDK, multiprocessing, gunicorn config modules, fork hooks,
// import-time connects).
#include <algorithm>
#include <map>
#include <set>

#include "core/text.h"
#include "sqla/deployment.h"
#include "sqla/deployment/helpers.h"
#include "sqla/deployment/start_method.h"
#include "sqla/web_apps.h"

namespace sqla {

using core::basename;
using core::dirname;
using core::last_component;
using deploy::at;
using deploy::to_int;
using py::ValueKind;

namespace {

bool under_main_guard(const py::CallSite& call) {
  for (const py::CondTag& t : call.args.tags) {
    if (call.module.condition(t.id).text.find("__name__") != std::string::npos) return true;
  }
  return false;
}

bool is_engine_value(const py::Value& v, const FileFacts& facts) {
  return v.kind == ValueKind::kObject && v.object_id >= 0 && static_cast<size_t>(v.object_id) < facts.engines.size() &&
         v.text.find("Engine") != std::string::npos;
}

// Markers used between observe_deployment_call and collect_python_deployment (resolved there).
constexpr std::string_view kInFunction = "@function:";
constexpr std::string_view kCallsFunction = "@calls:";
constexpr std::string_view kCallsImported = "@calls-imported:";

}  // namespace

void observe_deployment_call(const py::CallSite& call, FileFacts& facts) {
  DeploymentFacts& d = facts.deployment;
  const py::Value& callee = call.callee;
  const core::Location where = call.module.location(call.node);
  if (callee.kind == ValueKind::kSymbol) {
    const std::string& q = callee.text;
    if (const AppConstructor* app = app_constructor(q); app && app->asgi) {
      d.asgi_apps.push_back(Evidence{std::string(basename(q)) + " application", where, std::string(basename(q)), ""});
    } else if (q == "mangum.Mangum" || q == "mangum.adapter.Mangum") {
      d.serverless.push_back(Evidence{"Mangum wraps the ASGI app as an AWS Lambda handler", where, "AWS Lambda", ""});
    } else if (q.starts_with("aws_cdk.aws_lambda") &&
               (q.ends_with(".Function") || q.ends_with(".PythonFunction") || q.ends_with(".DockerImageFunction"))) {
      d.serverless.push_back(Evidence{"the CDK app declares a Lambda function (" + std::string(basename(q)) + ")", where,
                                      "AWS Lambda", ""});
    } else if (const std::optional<StartMethod> start = process_start_method(call)) {
      ServerProcess p;
      p.server = "multiprocessing";
      p.where = where;
      p.command = std::string(call.module.text(call.callee_node));
      // The fork start method (Linux's default before Python 3.14) inherits the parent's sockets;
      // spawn and forkserver start a fresh interpreter, and a context computed at run time is not
      // known to fork (facts PA402).
      p.preload = true;
      p.preload_where = where;
      p.forks = inherits_sockets(*start);
      if (const py::Argument* init = call.args.find("initializer")) {
        d.fork_hooks.push_back(ForkHook{"initializer=" + init->value->render(), init->where});
      }
      d.processes.push_back(std::move(p));
    }
  }
  // `worker_process_init.connect(reset_engine)`: Celery runs it in each pool process.
  if (call.method == "connect" && call.receiver && call.receiver->kind == ValueKind::kSymbol &&
      call.receiver->text.ends_with("worker_process_init")) {
    if (const py::Argument* fn = call.args.at(0)) d.fork_hooks.push_back(ForkHook{"worker_process_init", fn->where});
  }
  if (call.method == "dispose") {
    if (const py::Argument* close = call.args.find("close");
        close && close->value->kind == ValueKind::kBool && !close->value->boolean) {
      d.fork_hooks.push_back(ForkHook{"dispose(close=False)", where});
    }
  }
  // Connections opened while the module is imported (or by a function it calls then).
  std::string what;
  int engine = -1;
  std::string symbol;
  if (call.receiver && (call.method == "connect" || call.method == "begin" || call.method == "execute" ||
                        call.method == "raw_connection")) {
    if (is_engine_value(*call.receiver, facts)) engine = call.receiver->object_id;
    else if (call.receiver->kind == ValueKind::kSymbol && call.receiver->text.rfind('@', 0) != 0) symbol = call.receiver->text;
    if (engine >= 0 || !symbol.empty()) what = std::string(call.module.text(call.callee_node)) + "()";
  } else if (call.method == "create_all" || call.method == "reflect") {
    const py::Argument* bind = call.args.get("bind", 0);
    if (bind && is_engine_value(*bind->value, facts)) engine = bind->value->object_id;
    else if (bind && bind->value->kind == ValueKind::kSymbol && bind->value->text.rfind('@', 0) != 0) symbol = bind->value->text;
    if (engine >= 0 || !symbol.empty()) {
      const std::string name = engine >= 0 ? facts.engines[static_cast<size_t>(engine)].assigned_to
                                            : std::string(last_component(symbol));
      what = std::string(call.module.text(call.callee_node)) + "(" + name + ")";
    }
  }
  const bool module_level = call.scope.function < 0 && call.scope.class_index < 0;
  if (!what.empty()) {
    if (module_level && under_main_guard(call)) return;
    ImportTimeConnect c{where, what, engine, symbol, "", ""};
    if (!module_level) c.through = std::string(kInFunction) + std::to_string(call.scope.function);
    d.import_connects.push_back(std::move(c));
    return;
  }
  // A project function called at module level, or by a function (an app factory calling
  // init_db()): it connects if its body does, followed a few calls deep in this file.
  if (callee.kind == ValueKind::kFunction && callee.object_id >= 0 && !(module_level && under_main_guard(call))) {
    ImportTimeConnect c{where, std::string(kCallsFunction) + std::to_string(callee.object_id), -1, "", "", ""};
    if (!module_level) c.through = std::string(kInFunction) + std::to_string(call.scope.function);
    d.import_connects.push_back(std::move(c));
    return;
  }
  // A function imported from another module (`from app.db import init_db`): it connects if that
  // module's function does, known when the project is merged.
  if (callee.kind == ValueKind::kSymbol && !callee.text.starts_with("@") && callee.text.find('.') != std::string::npos &&
      callee.text.find("()") == std::string::npos && !(module_level && under_main_guard(call))) {
    ImportTimeConnect c{where, std::string(kCallsImported) + callee.text, -1, "", "", ""};
    if (!module_level) c.through = std::string(kInFunction) + std::to_string(call.scope.function);
    d.import_connects.push_back(std::move(c));
  }
}

/// Connects and project-function calls recorded inside each function, by its scope key.
using ByScope = std::map<std::string, std::vector<const ImportTimeConnect*>>;

/// The first connecting statement reached from the body of function `index`, following calls of
/// this file's functions up to three deep (breadth first, each function once, at most 64 of them).
/// `imported` collects the other modules' functions called on the way (at most 16).
std::optional<ImportTimeConnect> connect_in(const ByScope& by_scope, const std::string& index,
                                            std::vector<std::string>* imported = nullptr) {
  std::vector<std::string> queue{index};
  for (size_t next = 0, level_end = 1, depth = 0; next < queue.size() && next < 64 && depth < 3; ++next) {
    if (auto body = by_scope.find(std::string(kInFunction) + queue[next]); body != by_scope.end()) {
      for (const ImportTimeConnect* inner : body->second) {
        if (inner->what.starts_with(kCallsImported)) {
          if (imported && imported->size() < 16) imported->push_back(inner->what.substr(kCallsImported.size()));
          continue;
        }
        if (!inner->what.starts_with(kCallsFunction)) return *inner;
        const std::string callee = inner->what.substr(kCallsFunction.size());
        if (std::find(queue.begin(), queue.end(), callee) == queue.end()) queue.push_back(callee);
      }
    }
    if (next + 1 == level_end) {
      level_end = queue.size();
      ++depth;
    }
  }
  return std::nullopt;
}

void collect_python_deployment(const py::Module& module, FileFacts& facts) {
  DeploymentFacts& d = facts.deployment;
  // A call is observed once per branch combination that reaches it: keep the first of each. The
  // keys seen are kept in a set: comparing each item with every kept one was quadratic in the calls
  // of a module (import_connects holds every call of a project function).
  auto unique = [](auto& list, auto key) {
    std::vector<std::remove_reference_t<decltype(list[0])>> kept;
    std::set<decltype(key(list[0]))> seen;
    for (auto& item : list) {
      if (seen.insert(key(item)).second) kept.push_back(std::move(item));
    }
    list = std::move(kept);
  };
  unique(d.serverless, [](const Evidence& e) { return std::pair(e.where.range, e.what); });
  unique(d.asgi_apps, [](const Evidence& e) { return e.where.range; });
  // A process started on several branches forks only when it forks on each (a context chosen per
  // platform or setting): the rule of silence.
  for (ServerProcess& p : d.processes) {
    for (const ServerProcess& other : d.processes) {
      if (other.where.range == p.where.range && !other.forks) p.forks = false;
    }
  }
  unique(d.processes, [](const ServerProcess& p) { return p.where.range; });
  unique(d.fork_hooks, [](const ForkHook& h) { return h.where.range; });
  unique(d.import_connects, [](const ImportTimeConnect& c) { return std::tuple(c.where.range, c.what, c.through); });
  const auto& functions = module.functions();
  // Module-level calls of project functions that connect become import-time connects.
  std::vector<ImportTimeConnect> connects;
  struct Reached {
    std::optional<ImportTimeConnect> connect;
    std::vector<std::string> imported;
  };
  std::map<std::string, Reached> reached;  // per called function, computed once
  ByScope by_scope;
  for (const ImportTimeConnect& c : d.import_connects) {
    if (c.through.starts_with(kInFunction)) by_scope[c.through].push_back(&c);
  }
  for (const ImportTimeConnect& c : d.import_connects) {
    if (c.through.starts_with(kInFunction)) continue;
    if (c.what.starts_with(kCallsImported)) {
      d.imported_calls.push_back(ImportTimeConnect{c.where, c.what.substr(kCallsImported.size()), -1, "", "", ""});
      continue;
    }
    if (!c.what.starts_with(kCallsFunction)) {
      connects.push_back(c);
      continue;
    }
    const std::string index = c.what.substr(kCallsFunction.size());
    const auto number = to_int(index);
    if (!number || *number < 0 || static_cast<size_t>(*number) >= functions.size()) continue;
    auto [found, fresh] = reached.try_emplace(index);
    if (fresh) found->second.connect = connect_in(by_scope, index, &found->second.imported);
    const py::FunctionInfo& fn = functions[static_cast<size_t>(*number)];
    if (const auto& inner = found->second.connect) {
      connects.push_back(ImportTimeConnect{c.where, inner->what, inner->engine, inner->engine_symbol, fn.name, ""});
    } else {
      // Called through this file's function (an app factory calling an imported init_db()).
      for (const std::string& imported : found->second.imported) {
        d.imported_calls.push_back(ImportTimeConnect{c.where, imported, -1, "", fn.name, ""});
      }
    }
  }
  // This file's module-level functions that connect, for the modules that import them (before
  // import_connects is replaced: by_scope points into it).
  if (!facts.module_name.empty()) {
    for (size_t i = 0; i < functions.size(); ++i) {
      const py::FunctionInfo& fn = functions[i];
      if (fn.parent_function >= 0 || !fn.class_name.empty()) continue;
      std::optional<ImportTimeConnect> inner = connect_in(by_scope, std::to_string(i));
      if (!inner) continue;
      if (inner->engine >= 0) inner->engine_path = facts.path;
      d.connecting_functions.push_back(ConnectingFunction{facts.module_name + "." + fn.name, std::move(*inner)});
    }
  }
  d.import_connects = std::move(connects);
  const std::string file = std::string(basename(facts.path));
  const bool gunicorn_conf = file.starts_with("gunicorn") && file.ends_with(".py");
  for (const py::FunctionInfo& fn : functions) {
    const bool top = fn.parent_function < 0 && fn.class_name.empty();
    if (top && fn.name == "lambda_handler" && fn.parameters.size() == 2) {
      d.serverless.push_back(Evidence{"module-level `lambda_handler(" + fn.parameters[0] + ", " + fn.parameters[1] +
                                          ")`, AWS Lambda's default handler name",
                                      fn.where, "AWS Lambda", ""});
    }
    for (size_t i = 0; i < fn.decorators.size(); ++i) {
      const py::Value& dec = fn.decorators[i];
      if (dec.kind == ValueKind::kSymbol && dec.text.starts_with("functions_framework.")) {
        d.serverless.push_back(Evidence{"`@" + dec.text + "` makes `" + fn.name + "` a Google Cloud Function", fn.where,
                                        "Google Cloud Functions", ""});
      }
    }
    // Hooks that run in each forked child: dispose() there drops the parent's connections.
    std::string hook;
    if (fn.name == "post_fork" || fn.name == "post_worker_init") hook = fn.name;
    for (const std::string& t : fn.decorator_texts) {
      if (t.find("worker_process_init") != std::string::npos) hook = "worker_process_init";
    }
    if (hook.empty()) continue;
    for (const DisposeCall& call : facts.disposals) {
      if (call.function == fn.qualified_name) d.fork_hooks.push_back(ForkHook{hook, call.where});
    }
  }
  // `os.environ.get("AWS_LAMBDA_FUNCTION_NAME")` and friends: the code expects to run on Lambda.
  const std::string_view text = module.source().text();
  for (const char* needle : {"AWS_LAMBDA_", "LAMBDA_TASK_ROOT"}) {
    const size_t pos = text.find(needle);
    if (pos == std::string_view::npos) continue;
    const auto offset = static_cast<uint32_t>(pos);
    const size_t end = text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_", pos);
    d.serverless.push_back(Evidence{"the code reads " + std::string(text.substr(pos, end - pos)) + ", set only on AWS Lambda",
                                    module.source().location(offset, offset), "AWS Lambda", ""});
    break;
  }
  if (!gunicorn_conf) return;
  ServerProcess p;
  p.server = "gunicorn";
  p.where = core::Location{facts.path, {{1, 1}, {1, 1}}};
  p.directory = dirname(facts.path);
  bool any = false;
  for (const auto& [name, alts] : module.globals()) {
    if (alts.size() != 1) continue;
    const py::Value& v = *alts[0].value;
    const std::string origin = at(v.origin.valid() ? v.origin : p.where);
    if (name == "workers" || name == "threads") {
      if (v.kind != ValueKind::kInt) continue;
      any = true;
      const int n = static_cast<int>(v.integer);
      if (name == "workers") {
        p.workers = n;
        p.workers_origin = origin + " (`workers = " + std::to_string(n) + "`" + (v.overridable ? ", a default the environment can override" : "") + ")";
      } else {
        p.threads = n;
      }
    } else if (name == "worker_class" && v.kind == ValueKind::kString) {
      p.worker_class = v.text;
      any = true;
    } else if (name == "preload_app" && v.kind == ValueKind::kBool) {
      p.preload = v.boolean;
      p.preload_where = v.origin.valid() ? v.origin : p.where;
      any = true;
    } else if (name == "bind") {
      any = true;
    }
  }
  if (any) d.processes.push_back(std::move(p));
}

}  // namespace sqla
