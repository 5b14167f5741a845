#include "sqla/task_queues.h"

#include <algorithm>
#include <array>

#include "core/text.h"
#include "py/grammar.h"
#include "py/module.h"
#include "sqla/entry_targets.h"

namespace sqla {
namespace {

using core::last_component;
using entry_detail::add_target;
using entry_detail::argument;
using entry_detail::Target;
using entry_detail::target_of;
using py::Field;
using py::Kind;
using py::kind_of;
using py::ValueKind;

/// The qualified name an identifier or a dotted attribute names through the module's imports and
/// globals ("" when not a single known symbol).
std::string symbol_of(const py::Module& m, ts::Node expr) {
  if (!expr) return {};
  if (kind_of(expr) == Kind::kIdentifier) {
    const py::Alts* alts = m.global(m.text(expr));
    if (alts && alts->size() == 1 && (*alts)[0].value->kind == ValueKind::kSymbol)
      return (*alts)[0].value->text;
    return {};
  }
  if (kind_of(expr) != Kind::kAttribute) return {};
  const std::string object = symbol_of(m, py::field(expr, Field::kObject));
  if (object.empty()) return {};
  return object + "." + std::string(m.text(py::field(expr, Field::kAttribute)));
}

/// A string literal naming a function by its import path, as RQ ("app.tasks.send_mail") and
/// APScheduler ("app.jobs:cleanup") accept: the dotted path ("" otherwise). Only a path that
/// names a function of a project module becomes an entry point (resolve_entry_points).
std::string import_path(const py::Module& m, ts::Node expr) {
  if (!expr || kind_of(expr) != Kind::kString) return {};
  std::string_view text = m.text(expr);
  if (text.size() < 2 || (text.front() != '"' && text.front() != '\'')) return {};  // no prefix
  text = text.substr(1, text.size() - 2);
  if (text.empty() || text.find_first_of(".:") == std::string_view::npos) return {};
  std::string path;
  for (char c : text) {
    if (c == ':') c = '.';
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.';
    if (!word) return {};
    path += c;
  }
  if (path.front() == '.' || path.back() == '.' || path.find("..") != std::string::npos) return {};
  return path;
}

/// The function a job registration names: a function expression, or an import-path string.
Target job_target(const py::Module& m, ts::Node expr) {
  Target t = target_of(m, expr);
  if (t.local < 0 && t.symbol.empty()) t.symbol = import_path(m, expr);
  return t;
}

/// The module binds a name to something of `package` (`from arq import cron`, `import arq`).
bool imports(const py::Module& m, std::string_view package) {
  for (const auto& [name, alts] : m.globals()) {
    for (const py::Alt& a : alts) {
      if (a.value->kind != ValueKind::kSymbol) continue;
      const std::string_view text = a.value->text;
      if (text.substr(0, text.find('.')) == package) return true;
    }
  }
  return false;
}

/// The call as written, on one line and shortened (for messages and --dump-facts).
std::string why_of(const py::Module& m, ts::Node n) {
  std::string out;
  for (char c : m.text(n)) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
    if (out.size() >= 60) break;
  }
  return out;
}

/// arq's `functions=[f, func(g, timeout=5)]` and `cron_jobs=[cron(h, hour=3)]`: each function
/// the worker runs per job (cron: per scheduled run).
void arq_functions(const py::Module& m, ts::Node list, std::string_view owner, bool cron_jobs,
                   EntryPointFacts& out) {
  if (!list || (kind_of(list) != Kind::kList && kind_of(list) != Kind::kTuple)) return;
  for (uint32_t i = 0; i < list.named_child_count(); ++i) {
    ts::Node item = list.named_child(i);
    ts::Node function = item;
    EntryKind kind = cron_jobs ? EntryKind::kScheduledJob : EntryKind::kTask;
    std::string why = std::string(owner) + (cron_jobs ? ".cron_jobs" : ".functions") + " (arq)";
    if (kind_of(item) == Kind::kCall) {
      const std::string_view callee = last_component(m.text(py::field(item, Field::kFunction)));
      if (callee != "cron" && callee != "func") continue;
      function = argument(m, item, 0, {"coroutine"});
      if (callee == "cron") kind = EntryKind::kScheduledJob;
      why = why_of(m, item);
    }
    add_target(m, target_of(m, function), kind, why, m.location(item), out);
  }
}

/// `class WorkerSettings: functions = [...]; cron_jobs = [...]` (the class arq's CLI is given).
void arq_settings_class(const py::Module& m, ts::Node cls, bool arq_module, EntryPointFacts& out) {
  const std::string_view name = m.text(py::field(cls, Field::kName));
  if (!arq_module && !name.ends_with("WorkerSettings")) return;
  ts::Node body = py::field(cls, Field::kBody);
  for (uint32_t i = 0; body && i < body.named_child_count(); ++i) {
    ts::Node statement = body.named_child(i);
    if (kind_of(statement) != Kind::kExpressionStatement || statement.named_child_count() == 0)
      continue;
    ts::Node assignment = statement.named_child(0);
    if (kind_of(assignment) != Kind::kAssignment) continue;
    const std::string_view target = m.text(py::field(assignment, Field::kLeft));
    if (target != "functions" && target != "cron_jobs") continue;
    arq_functions(m, py::field(assignment, Field::kRight), name, target == "cron_jobs", out);
  }
}

constexpr std::array<std::string_view, 4> kEnqueueMethods = {"enqueue", "enqueue_call",
                                                             "enqueue_at", "enqueue_in"};

/// One call: an RQ enqueue, an APScheduler add_job, arq's Worker(...), or a task decorator
/// called as a function.
void scan_call(const py::Module& m, ts::Node call, bool arq_module, EntryPointFacts& out) {
  ts::Node callee = py::field(call, Field::kFunction);
  const std::string_view callee_text = m.text(callee);
  const std::string_view method = last_component(callee_text);
  const bool attribute = kind_of(callee) == Kind::kAttribute;
  if (attribute && std::find(kEnqueueMethods.begin(), kEnqueueMethods.end(), method) !=
                       kEnqueueMethods.end()) {
    // RQ: Queue.enqueue(f, ...), enqueue_call(func=f), enqueue_at(when, f), enqueue_in(delta, f).
    const size_t index = method == "enqueue_at" || method == "enqueue_in" ? 1 : 0;
    add_target(m, job_target(m, argument(m, call, index, {"f", "func"})), EntryKind::kTask,
               why_of(m, call), m.location(call), out);
    return;
  }
  if (attribute && method == "add_job") {
    // APScheduler: scheduler.add_job(func, trigger, ...); the receiver must be a scheduler.
    ts::Node receiver = py::field(callee, Field::kObject);
    const std::string symbol = symbol_of(m, receiver);
    const std::string name = core::lower(last_component(m.text(receiver)));
    if (!symbol.starts_with("apscheduler") && name.find("sched") == std::string::npos) return;
    add_target(m, job_target(m, argument(m, call, 0, {"func"})), EntryKind::kScheduledJob,
               why_of(m, call), m.location(call), out);
    return;
  }
  const std::string symbol = symbol_of(m, callee);
  if (arq_module && (symbol.starts_with("arq.") || method == "Worker")) {
    // arq.worker.Worker(functions=[...], cron_jobs=[...]) / run_worker(settings_cls, functions=...)
    arq_functions(m, argument(m, call, 99, {"functions"}), callee_text, false, out);
    arq_functions(m, argument(m, call, 99, {"cron_jobs"}), callee_text, true, out);
    return;
  }
  // `dramatiq.actor(send_mail)`, `app.task(cleanup)`: a task decorator applied by a call.
  if (auto kind = task_registration(symbol, callee_text)) {
    ts::Node function = argument(m, call, 0, {"fn", "fun"});
    if (!function || kind_of(function) == Kind::kString) return;
    add_target(m, target_of(m, function), *kind, why_of(m, call), m.location(call), out);
  }
}

}  // namespace

void scan_task_registrations(const py::Module& m, ts::Node root, EntryPointFacts& out) {
  const std::string_view text = m.source().text();
  // Most modules register no background work: skip the walk for them.
  bool candidate = false;
  for (std::string_view needle :
       {"enqueue", "add_job", "functions", "cron_jobs", "actor", "task"}) {
    candidate = candidate || text.find(needle) != std::string_view::npos;
  }
  if (!candidate) return;
  const bool arq_module = imports(m, "arq");
  ts::walk_preorder(root, [&](ts::Node n) {
    const Kind k = kind_of(n);
    if (k == Kind::kClassDefinition) arq_settings_class(m, n, arq_module, out);
    if (k == Kind::kCall) scan_call(m, n, arq_module, out);
    return true;
  });
}

}  // namespace sqla
