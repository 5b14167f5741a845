#include "sqla/web.h"

#include <algorithm>
#include <cctype>

#include "py/grammar.h"

namespace sqla {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<WebApp> web_app_call(std::string_view callee) {
  // Re-exports: fastapi.FastAPI is fastapi.applications.FastAPI; flask.Flask is flask.app.Flask.
  static constexpr std::pair<std::string_view, std::string_view> kApps[] = {
      {"fastapi.FastAPI", "fastapi"},     {"fastapi.applications.FastAPI", "fastapi"},
      {"flask.Flask", "flask"},           {"flask.app.Flask", "flask"},
      {"starlette.applications.Starlette", "starlette"},
  };
  static constexpr std::pair<std::string_view, std::string_view> kClients[] = {
      {"fastapi.testclient.TestClient", "fastapi"},
      {"starlette.testclient.TestClient", "starlette"},
  };
  for (const auto& [name, framework] : kApps) {
    if (callee == name) return WebApp{std::string(framework), {}, {}, false};
  }
  for (const auto& [name, framework] : kClients) {
    if (callee == name) return WebApp{std::string(framework), {}, {}, true};
  }
  return std::nullopt;
}

std::optional<std::string> on_event_decorator(const py::Value& decorator, std::string_view text) {
  if (decorator.kind != py::ValueKind::kSymbol || !ends_with(decorator.text, ".on_event")) return std::nullopt;
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
  if ((method == "create_all" || method == "drop_all") && ends_with(receiver, "metadata")) {
    return method == "create_all" ? "creates tables" : "drops tables";
  }
  if ((method == "connect" || method == "begin") && engine_named) return "connects to the database";
  return std::nullopt;
}

}  // namespace sqla
