#include "sqla/web.h"

#include <algorithm>

#include "core/text.h"
#include "py/grammar.h"
#include "sqla/sessions.h"
#include "sqla/web_apps.h"

namespace sqla {
namespace {

using core::lower;

}  // namespace

std::optional<WebApp> web_app_call(std::string_view callee) {
  const AppConstructor* c = app_constructor(callee);
  if (!c || !c->web_app) return std::nullopt;
  return WebApp{std::string(c->framework), {}, {}, c->test_client};
}

std::optional<std::string> on_event_decorator(const py::Value& decorator, std::string_view text) {
  if (decorator.kind != py::ValueKind::kSymbol || !decorator.text.ends_with(".on_event")) return std::nullopt;
  const size_t open = text.find("on_event(");
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(open + 9);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.rfind("event_type", 0) == 0) {  // on_event(event_type="startup")
    const size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(eq + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  }
  if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) return std::nullopt;
  const char quote = rest.front();
  const size_t close = rest.find(quote, 1);
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(rest.substr(1, close - 1));
}

std::optional<std::string> database_use(const py::CallSite& call, bool engine_created, bool session_created) {
  if (engine_created) return "creates an engine";
  if (session_created) return "opens a session or connection";
  const std::string_view method = call.method;
  if (method.empty()) return std::nullopt;
  const std::string receiver(call.module.text(py::field(call.callee_node, py::Field::kObject)));
  const bool engine_object = call.receiver && call.receiver->kind == py::ValueKind::kObject &&
                             call.receiver->text.find("Engine") != std::string::npos;
  const bool engine_named = engine_object || lower(receiver).find("engine") != std::string::npos;
  if (method == "dispose" && engine_named) return "disposes an engine";
  if ((method == "create_all" || method == "drop_all") && receiver.ends_with("metadata")) {
    return method == "create_all" ? "creates tables" : "drops tables";
  }
  if ((method == "connect" || method == "begin") && engine_named) return "connects to the database";
  return std::nullopt;
}

void WebFacts::on_call(const py::CallSite& call, FileFacts& facts) {
  const py::Value& callee = call.callee;
  if (callee.kind == py::ValueKind::kSymbol) {
    if (auto app = web_app_call(callee.text); app && seen_apps_.insert(call.node.start_byte()).second) {
      app->where = call.module.location(call.node);
      app->assigned_to = std::string(call.assigned_to);
      facts.web_apps.push_back(std::move(*app));
    }
  }
  const int f = call.scope.function;
  if (f < 0) return;
  const bool engine = callee.kind == py::ValueKind::kSymbol && factory_from_symbol(callee.text).has_value();
  // Another module's name is only a candidate session factory until the project phase confirms
  // it: `SessionLocal()` counts here, `init_db()` from app.db (a candidate by its module) does not.
  const std::optional<SessionCreation> creation = session_creation(call);
  const std::string_view made_by =
      creation ? core::last_component(creation->symbol) : std::string_view();
  const bool session = creation && (creation->symbol.empty() || lower(made_by).find("session") != std::string::npos);
  if (auto use = database_use(call, engine, session)) {
    database_uses_.try_emplace(f, DatabaseUse{*use, call.module.location(call.node)});
  }
  if (callee.kind == py::ValueKind::kFunction && callee.object_id >= 0) {
    local_calls_[f].insert(callee.object_id);
  } else if (callee.kind == py::ValueKind::kSymbol && callee.text.find("()") == std::string::npos &&
             callee.text.find('.') != std::string::npos && project_calls_[f].size() < 32) {
    project_calls_[f].insert(callee.text);
  }
}

std::optional<DatabaseUse> WebFacts::database_use_of(int function) const {
  if (auto it = database_uses_.find(function); it != database_uses_.end()) return it->second;
  if (auto calls = local_calls_.find(function); calls != local_calls_.end()) {
    for (int callee : calls->second) {
      if (auto it = database_uses_.find(callee); it != database_uses_.end()) return it->second;
    }
  }
  return std::nullopt;
}

void WebFacts::finish(const py::Module& module, FileFacts& facts) const {
  const auto& functions = module.functions();
  for (size_t i = 0; i < functions.size(); ++i) {
    const py::FunctionInfo& f = functions[i];
    const std::optional<DatabaseUse> use = database_use_of(static_cast<int>(i));
    if (use && f.parent_function < 0 && f.class_name.empty()) facts.database_functions.emplace_back(f.name, *use);
    for (size_t k = 0; k < f.decorators.size() && k < f.decorator_texts.size(); ++k) {
      auto event = on_event_decorator(f.decorators[k], f.decorator_texts[k]);
      if (!event) continue;
      EventHandler h;
      h.where = f.where;
      // Anchor on the decorator line: the decorated definition's k-th decorator.
      ts::Node decorated = f.node.parent();
      for (uint32_t c = 0, seen = 0; decorated && c < decorated.named_child_count(); ++c) {
        ts::Node d = decorated.named_child(c);
        if (py::kind_of(d) != py::Kind::kDecorator) continue;
        if (seen++ == k) h.where = module.location(d);
      }
      h.event = *event;
      h.function = f.name;
      const std::string& symbol = f.decorators[k].text;
      h.receiver = symbol.substr(0, symbol.size() - std::string_view(".on_event").size());
      h.database = use;
      if (auto it = project_calls_.find(static_cast<int>(i)); it != project_calls_.end()) {
        h.calls.assign(it->second.begin(), it->second.end());
      }
      facts.event_handlers.push_back(std::move(h));
    }
  }
}

}  // namespace sqla
