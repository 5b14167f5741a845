#pragma once
// The one table of web frameworks and application constructors. Three consumers read it: the web
// facts (FileFacts::web_apps: applications and test clients whose handlers may run on threads), the
// deployment facts (DeploymentFacts::asgi_apps: ASGI applications, which own a lifespan) and the
// entry points (decorators of a web package register per-request handlers).
#include <string_view>

namespace sqla {

/// A call that builds a web application or a test client.
struct AppConstructor {
  std::string_view callee;     ///< qualified name, re-exports included: "fastapi.FastAPI"
  std::string_view framework;  ///< "fastapi", "flask", "starlette", "quart"
  bool asgi = false;           ///< an ASGI application (owns a lifespan: DeploymentFacts::asgi_apps)
  bool web_app = false;        ///< a FileFacts::web_apps entry (threaded request handling, on_event receivers)
  bool test_client = false;    ///< fastapi.testclient / starlette.testclient TestClient(...)
};

/// The constructor a qualified callee names; nullptr for other callees.
const AppConstructor* app_constructor(std::string_view qualified_callee);

/// True for the top-level package of a web framework whose decorators register per-request handlers.
bool is_web_package(std::string_view package);

}  // namespace sqla
