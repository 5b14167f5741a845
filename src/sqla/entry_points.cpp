#include "sqla/entry_points.h"

#include <algorithm>
#include <array>
#include <optional>

#include "core/text.h"
#include "py/grammar.h"
#include "py/module.h"
#include "sqla/entry_targets.h"
#include "sqla/facts.h"
#include "sqla/module_table.h"
#include "sqla/sessions.h"
#include "sqla/task_queues.h"
#include "sqla/web_apps.h"

namespace sqla {
namespace {

using core::last_component;
using py::Field;
using py::Kind;
using py::kind_of;
using py::ValueKind;
using entry_detail::add_entry;
using entry_detail::argument;
using entry_detail::Target;
using entry_detail::target_of;

std::string_view before_last(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(0, dot);
}
template <size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

constexpr std::array<std::string_view, 10> kRouteMethods = {
    "get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket"};
// Class-based views: their HTTP-verb methods run per request.
constexpr std::array<std::string_view, 12> kViewBases = {
    "MethodView",   "View",           "HTTPMethodView", "HTTPEndpoint",
    "APIView",      "GenericAPIView", "ViewSet",        "GenericViewSet",
    "ModelViewSet", "RequestHandler", "Resource",       "TemplateView"};
constexpr std::array<std::string_view, 14> kViewMethods = {"get",
                                                           "post",
                                                           "put",
                                                           "patch",
                                                           "delete",
                                                           "head",
                                                           "options",
                                                           "dispatch_request",
                                                           "list",
                                                           "create",
                                                           "retrieve",
                                                           "update",
                                                           "partial_update",
                                                           "destroy"};
// Decorators that register a background task with a task-queue app (Celery, huey, taskiq,
// dramatiq, RQ): the function then runs once per task.
constexpr std::array<std::string_view, 7> kTaskDecorators = {
    "task", "shared_task", "periodic_task", "db_task", "db_periodic_task", "actor", "job"};
constexpr std::array<std::string_view, 4> kTaskQueuePackages = {"celery", "huey", "dramatiq", "rq"};

/// The top-level package of a task queue: its decorators register tasks.
bool task_queue_package(std::string_view package) {
  return one_of(package, kTaskQueuePackages) || package.starts_with("taskiq");
}

constexpr std::array<std::string_view, 6> kCacheDecorators = {
    "lru_cache", "cache", "cached", "alru_cache", "memoize", "cached_property"};

/// `app`, `router`, `bp`, `api`, `users_router`, `admin_bp`, `blueprint`: names that hold a router.
bool routerish(std::string_view receiver) {
  const std::string_view r = last_component(receiver);
  static constexpr std::array<std::string_view, 8> kNames = {
      "app", "router", "bp", "api", "blueprint", "application", "routes", "web"};
  if (one_of(r, kNames)) return true;
  for (std::string_view suffix : {"_app", "_router", "_bp", "_blueprint", "_api", "_routes"}) {
    if (r.ends_with(suffix)) return true;
  }
  return false;
}

bool web_symbol(std::string_view symbol) {
  const std::string_view head = symbol.substr(0, symbol.find('.'));
  return is_web_package(head);
}

/// The decorator's callee as written, without its arguments: `router.get("/x")` -> `router.get`.
std::string_view decorator_callee(std::string_view text) { return text.substr(0, text.find('(')); }

struct Classified {
  EntryKind kind;
  std::string why;
};

std::optional<Classified> from_decorator(const py::Value& value, std::string_view text) {
  const std::string_view callee = decorator_callee(text);
  const std::string_view last = last_component(callee);
  const std::string_view receiver = before_last(callee);
  const std::string symbol = value.kind == ValueKind::kSymbol ? value.text : std::string();
  const std::string why = "@" + std::string(text.substr(0, 60));
  if (one_of(last, kRouteMethods) &&
      ((!receiver.empty() && (web_symbol(symbol) || routerish(receiver))) ||
       (receiver.empty() && (symbol.starts_with("litestar.") || symbol.starts_with("sanic."))))) {
    return Classified{EntryKind::kRoute, why};
  }
  if (last == "api_view" || symbol.starts_with("rest_framework.decorators.api_view"))
    return Classified{EntryKind::kRoute, why};
  if ((last == "middleware" || last == "before_request") && !receiver.empty() &&
      (web_symbol(symbol) || routerish(receiver))) {
    return Classified{EntryKind::kMiddleware, why};
  }
  if (auto kind = task_registration(symbol, callee)) return Classified{*kind, why};
  if (symbol.starts_with("functions_framework.") || callee.starts_with("functions_framework.")) {
    return Classified{EntryKind::kCloudFunction, why};
  }
  return std::nullopt;
}

bool lambda_signature(const py::FunctionInfo& f) {
  if (f.parent_function >= 0 || !f.class_name.empty() || f.parameters.size() != 2) return false;
  static constexpr std::array<std::string_view, 3> kEvent = {"event", "_event", "evt"};
  static constexpr std::array<std::string_view, 3> kContext = {"context", "_context", "ctx"};
  return one_of(std::string_view(f.parameters[0]), kEvent) &&
         one_of(std::string_view(f.parameters[1]), kContext);
}

bool views_path(std::string_view path) {
  const std::string p = "/" + std::string(path);
  return p.ends_with("/views.py") || p.find("/views/") != std::string::npos;
}

const py::ClassInfo* class_named(const py::Module& m, std::string_view name) {
  for (const py::ClassInfo& c : m.classes()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool view_class(const py::ClassInfo& c) {
  for (const py::Value& base : c.bases) {
    if (base.kind == ValueKind::kSymbol && one_of(last_component(base.text), kViewBases))
      return true;
  }
  return false;
}

/// Visits every node under `root` without recursion; `visit` returns false to skip a subtree.
template <typename Visit>
void walk(ts::Node root, Visit&& visit) {
  ts::walk_preorder(root, visit);
}

/// `global _engine` / `nonlocal` in the function's own body: the function memoises into outer
/// state.
bool has_global_memo(const py::FunctionInfo& f) {
  ts::Node body = py::field(f.node, Field::kBody);
  if (!body) return false;
  bool found = false;
  walk(body, [&](ts::Node n) {
    const Kind k = kind_of(n);
    if (k == Kind::kGlobalStatement || std::string_view(n.type()) == "nonlocal_statement")
      found = true;
    return !found && k != Kind::kFunctionDefinition && k != Kind::kClassDefinition &&
           k != Kind::kLambda;
  });
  return found;
}

/// Calls that register or inject functions: Depends(...), add_api_route(...), Route(...), and what
/// releases a scoped_session registry (`X.remove`, `X.close`, `register(X)`), anywhere in the file
/// (lambdas and annotations included, which the interpreter does not evaluate).
void scan_tree(const py::Module& m, ts::Node root, EntryPointFacts& out) {
  walk(root, [&](ts::Node n) {
    const Kind k = kind_of(n);
    if (k == Kind::kAttribute) {
      const std::string_view attr = m.text(py::field(n, Field::kAttribute));
      ts::Node object = py::field(n, Field::kObject);
      if ((attr == "remove" || attr == "close") &&
          (kind_of(object) == Kind::kIdentifier || kind_of(object) == Kind::kAttribute)) {
        out.registry_releases.push_back(
            RegistryRelease{std::string(m.text(object)), std::string(attr), m.location(n)});
      }
      return true;
    }
    if (k != Kind::kCall) return true;
    const std::string_view callee = m.text(py::field(n, Field::kFunction));
    const std::string_view last = last_component(callee);
    ts::Node target_node;
    EntryKind kind = EntryKind::kRoute;
    if (last == "Depends" || last == "Security") {
      target_node = argument(m, n, 0, {"dependency"});
      kind = EntryKind::kDependency;
    } else if (last == "add_api_route" || last == "add_url_rule" || last == "add_route" ||
               last == "add_websocket_route" || last == "add_api_websocket_route" ||
               last == "Route" || last == "APIRoute" || last == "WebSocketRoute") {
      target_node = argument(m, n, last == "add_url_rule" ? 2 : 1,
                             {"endpoint", "view_func", "handler", "route"});
    } else if (last == "add_task" && kind_of(py::field(n, Field::kFunction)) == Kind::kAttribute) {
      target_node = argument(
          m, n, 0, {"func"});  // Starlette/FastAPI BackgroundTasks: runs after each response
      kind = EntryKind::kTask;
    } else if (last == "register") {
      ts::Node registry = argument(m, n, 0, {});
      if (registry && kind_of(registry) == Kind::kIdentifier) {
        out.registry_releases.push_back(
            RegistryRelease{std::string(m.text(registry)), "register", m.location(n)});
      }
      return true;
    } else {
      return true;
    }
    entry_detail::add_target(m, target_of(m, target_node), kind,
                             std::string(m.text(n)).substr(0, 60), m.location(n), out);
    return true;
  });
}

}  // namespace

namespace entry_detail {

Target target_of(const py::Module& m, ts::Node expr) {
  Target t;
  if (!expr) return t;
  const Kind k = kind_of(expr);
  if (k == Kind::kIdentifier) {
    const std::string_view name = m.text(expr);
    int nested = -1;
    for (size_t i = 0; i < m.functions().size(); ++i) {
      const py::FunctionInfo& f = m.functions()[i];
      if (f.name != name || !f.class_name.empty()) continue;
      if (f.parent_function < 0) return Target{static_cast<int>(i), {}};
      if (nested < 0) nested = static_cast<int>(i);  // app factories define their views inside
    }
    if (nested >= 0) return Target{nested, {}};
    // `Depends(Repository)`: the class is instantiated per request, so its __init__ runs each time.
    for (size_t i = 0; i < m.functions().size(); ++i) {
      const py::FunctionInfo& f = m.functions()[i];
      if (f.class_name == name && f.name == "__init__" && f.parent_function < 0)
        return Target{static_cast<int>(i), {}};
    }
    if (const py::Alts* alts = m.global(name);
        alts && alts->size() == 1 && (*alts)[0].value->kind == ValueKind::kSymbol) {
      t.symbol = (*alts)[0].value->text;
    }
  } else if (k == Kind::kAttribute) {
    ts::Node object = py::field(expr, Field::kObject);
    if (kind_of(object) != Kind::kIdentifier) return t;
    if (const py::Alts* alts = m.global(m.text(object));
        alts && alts->size() == 1 && (*alts)[0].value->kind == ValueKind::kSymbol) {
      t.symbol =
          (*alts)[0].value->text + "." + std::string(m.text(py::field(expr, Field::kAttribute)));
    }
  }
  if (t.symbol.find("()") != std::string::npos || t.symbol.starts_with("builtins."))
    t.symbol.clear();
  return t;
}

ts::Node argument(const py::Module& m, ts::Node call, size_t index,
                  std::initializer_list<std::string_view> names) {
  ts::Node args = py::field(call, Field::kArguments);
  if (!args || kind_of(args) != Kind::kArgumentList) return ts::Node();
  size_t position = 0;
  for (uint32_t i = 0; i < args.named_child_count(); ++i) {
    ts::Node a = args.named_child(i);
    if (kind_of(a) == Kind::kKeywordArgument) {
      const std::string_view key = m.text(py::field(a, Field::kName));
      if (std::find(names.begin(), names.end(), key) != names.end())
        return py::field(a, Field::kValue);
      continue;
    }
    if (kind_of(a) == Kind::kListSplat || kind_of(a) == Kind::kDictionarySplat) return ts::Node();
    if (position++ == index) return a;
  }
  return ts::Node();
}

void add_entry(EntryPointFacts& out, const py::FunctionInfo& f, EntryKind kind, std::string why,
               core::Location evidence) {
  if (out.find(f.qualified_name)) return;
  out.entry_points.push_back(
      EntryPoint{f.qualified_name, kind, std::move(why), f.where, std::move(evidence)});
}

void add_target(const py::Module& m, const Target& t, EntryKind kind, std::string why,
                core::Location evidence, EntryPointFacts& out) {
  if (t.local >= 0) {
    add_entry(out, m.functions()[static_cast<size_t>(t.local)], kind, std::move(why),
              std::move(evidence));
  } else if (!t.symbol.empty()) {
    out.foreign_entry_points.push_back(
        ForeignEntryPoint{t.symbol, kind, std::move(why), std::move(evidence)});
  }
}

}  // namespace entry_detail

std::optional<EntryKind> task_registration(std::string_view symbol, std::string_view callee) {
  const std::string_view last = last_component(callee);
  const std::string_view receiver = before_last(callee);
  if (last == "scheduled_job" && !receiver.empty()) return EntryKind::kScheduledJob;  // APScheduler
  if (last == "shared_task") return EntryKind::kTask;
  if (!one_of(last, kTaskDecorators)) return std::nullopt;
  if (task_queue_package(symbol.substr(0, symbol.find('.')))) return EntryKind::kTask;
  if (callee == "dramatiq.actor") return EntryKind::kTask;
  // Celery apps are conventionally bound to `app` / `celery` / `celery_app`.
  if (last == "task" && (symbol.starts_with("celery") || routerish(receiver) ||
                         last_component(receiver).find("celery") != std::string_view::npos)) {
    return EntryKind::kTask;
  }
  return std::nullopt;
}

bool task_queue_app(std::string_view symbol) {
  return task_queue_package(symbol.substr(0, symbol.find('.'))) &&
         symbol.find("()") != std::string_view::npos;
}

const EntryPoint* EntryPointFacts::find(std::string_view function) const {
  for (const EntryPoint& e : entry_points) {
    if (e.function == function) return &e;
  }
  return nullptr;
}

bool EntryPointFacts::cached(std::string_view function) const {
  return std::find(cached_functions.begin(), cached_functions.end(), function) !=
         cached_functions.end();
}

std::string_view entry_kind_name(EntryKind kind) {
  switch (kind) {
    case EntryKind::kRoute:
      return "route handler";
    case EntryKind::kMiddleware:
      return "middleware";
    case EntryKind::kDependency:
      return "FastAPI dependency";
    case EntryKind::kLambda:
      return "Lambda handler";
    case EntryKind::kCloudFunction:
      return "Cloud Function";
    case EntryKind::kTask:
      return "task";
    case EntryKind::kDjangoView:
      return "Django view";
    case EntryKind::kScheduledJob:
      return "scheduled job";
  }
  return "entry point";
}

std::string_view entry_unit(EntryKind kind) {
  switch (kind) {
    case EntryKind::kLambda:
    case EntryKind::kCloudFunction:
      return "invocation";
    case EntryKind::kTask:
      return "task";
    case EntryKind::kScheduledJob:
      return "scheduled run";
    default:
      return "request";
  }
}

void note_call(const py::CallSite& call, EntryPointFacts& out) {
  if (call.scope.function < 0) return;
  const auto& functions = call.module.functions();
  FunctionCall c;
  c.caller = functions[static_cast<size_t>(call.scope.function)].qualified_name;
  const py::Value& callee = call.callee;
  if (callee.kind == ValueKind::kFunction && callee.object_id >= 0 &&
      static_cast<size_t>(callee.object_id) < functions.size()) {
    c.callee = functions[static_cast<size_t>(callee.object_id)].qualified_name;
  } else if (callee.kind == ValueKind::kSymbol && callee.text.find("()") == std::string::npos &&
             callee.text.find('.') != std::string::npos &&
             !callee.text.starts_with("sqlalchemy.") && !callee.text.starts_with("builtins.") &&
             (call.method.empty() || (call.receiver && call.receiver->kind == ValueKind::kSymbol &&
                                      call.receiver->text.find("()") == std::string::npos))) {
    // `make_engine()` imported, or `db.make_engine()` through an imported module.
    c.symbol = callee.text;
  } else {
    return;
  }
  c.where = call.module.location(call.node);
  // One call is observed once per branch combination of its arguments.
  if (!out.calls.empty() && out.calls.back().where == c.where) return;
  out.calls.push_back(std::move(c));
}

void classify_entry_points(const py::Module& m, ts::Node root, std::string_view path,
                           EntryPointFacts& out) {
  const bool views = views_path(path);
  // A memo needs a `global` or `nonlocal` statement: without either word in the text no function
  // body is walked (one walk per function was a twentieth of a real-code run).
  const std::string_view source = m.source().text();
  const bool may_memoise =
      source.find("global") != std::string_view::npos || source.find("nonlocal") != std::string_view::npos;
  for (const py::FunctionInfo& f : m.functions()) {
    for (size_t i = 0; i < f.decorators.size() && i < f.decorator_texts.size(); ++i) {
      const std::string_view text = f.decorator_texts[i];
      const std::string_view last = last_component(decorator_callee(text));
      if (one_of(last, kCacheDecorators)) out.cached_functions.push_back(f.qualified_name);
      if (f.is_generator && last == "contextmanager")
        out.context_managers.emplace_back(f.qualified_name, "context manager");
      if (f.is_generator && last == "asynccontextmanager") {
        out.context_managers.emplace_back(f.qualified_name, "async context manager");
      }
      if (auto c = from_decorator(f.decorators[i], text)) {
        add_entry(out, f, c->kind, c->why, f.where);
      } else if (const py::Value& d = f.decorators[i];
                 d.kind == ValueKind::kSymbol && d.text.find("()") == std::string::npos &&
                 one_of(last, kTaskDecorators) && !before_last(d.text).empty()) {
        // `@worker.task` with `worker` imported from a project module: resolved per project.
        out.foreign_task_decorators.push_back(ForeignTaskDecorator{
            f.qualified_name, std::string(before_last(d.text)), EntryKind::kTask,
            "@" + std::string(text.substr(0, 60)), f.where});
      }
    }
    if (may_memoise && has_global_memo(f) && !out.cached(f.qualified_name))
      out.cached_functions.push_back(f.qualified_name);
    if (lambda_signature(f))
      add_entry(out, f, EntryKind::kLambda,
                "(" + f.parameters[0] + ", " + f.parameters[1] + ") handler", f.where);
    if (f.parent_function < 0 && !f.class_name.empty() &&
        one_of(std::string_view(f.name), kViewMethods)) {
      if (const py::ClassInfo* c = class_named(m, f.class_name); c && view_class(*c)) {
        add_entry(out, f, EntryKind::kRoute, "method of the class-based view " + c->name, f.where);
      }
    }
    if (views && f.parent_function < 0 && !f.parameters.empty()) {
      const bool function_view = f.class_name.empty() && f.parameters[0] == "request";
      const bool method_view = !f.class_name.empty() && f.parameters.size() >= 2 &&
                               f.parameters[1] == "request" &&
                               one_of(std::string_view(f.name), kViewMethods);
      if (function_view || method_view)
        add_entry(out, f, EntryKind::kDjangoView, "takes `request` in a views module", f.where);
    }
  }
  scan_tree(m, root, out);
  scan_task_registrations(m, root, out);
}

namespace {

/// The values a project symbol holds, following re-exports (`from .celery import app`) a few
/// modules deep; null when no project module defines it.
const py::Alts* project_values(const ModuleTable& modules, std::string symbol,
                               std::string importer) {
  for (int depth = 0; depth < 4; ++depth) {
    std::string_view rest;
    const FileFacts* home = modules.home_of(symbol, importer, rest);
    if (!home) return nullptr;
    auto it = home->exports.names.find(std::string(rest));
    if (it == home->exports.names.end()) return nullptr;
    const py::Alts& alts = it->second;
    if (alts.size() == 1 && alts[0].value->kind == ValueKind::kSymbol &&
        alts[0].value->text.find("()") == std::string::npos && alts[0].value->text != symbol) {
      symbol = alts[0].value->text;  // a re-export: follow it
      importer = home->path;
      continue;
    }
    return &alts;
  }
  return nullptr;
}

}  // namespace

void resolve_entry_points(ProjectFacts& facts) {
  const ModuleTable modules(facts);  // entry points are added below; module names stay
  for (FileFacts& file : facts.files) {
    for (const ForeignTaskDecorator& d : file.entry.foreign_task_decorators) {
      const py::Alts* values = project_values(modules, d.receiver, file.path);
      if (!values || values->empty() || file.entry.find(d.function)) continue;
      // Every value the receiver may hold is a task-queue app (Celery, huey, a taskiq broker).
      const bool app = std::all_of(values->begin(), values->end(), [](const py::Alt& a) {
        return a.value->kind == ValueKind::kSymbol && task_queue_app(a.value->text);
      });
      if (!app) continue;
      file.entry.entry_points.push_back(EntryPoint{d.function, d.kind, d.why, d.where, d.where});
    }
  }
  for (const FileFacts& file : facts.files) {
    for (const ForeignEntryPoint& d : file.entry.foreign_entry_points) {
      std::string_view rest;
      const FileFacts* found = modules.home_of(d.symbol, file.path, rest);
      if (!found || rest.empty() || rest.find('.') != std::string_view::npos) continue;
      // A class of that module: instantiated per call, its __init__ is what runs.
      const std::string function = found->exports.classes.count(std::string(rest))
                                       ? std::string(rest) + ".__init__"
                                       : std::string(rest);
      if (found->entry.find(function)) continue;
      // The other module's function runs per request; its `def` is not known here.
      FileFacts& home = facts.files[static_cast<size_t>(found - facts.files.data())];
      home.entry.entry_points.push_back(
          EntryPoint{function, d.kind, d.why, d.evidence, d.evidence});
    }
  }
}

}  // namespace sqla
