#include "sqla/web_apps.h"

#include <algorithm>
#include <array>

namespace sqla {
namespace {

// Re-exports: fastapi.FastAPI is fastapi.applications.FastAPI; flask.Flask is flask.app.Flask.
// Quart is not a web_apps entry (PA118 and PA403 do not model it).
constexpr AppConstructor kConstructors[] = {
    {"fastapi.FastAPI", "fastapi", true, true, false},
    {"fastapi.applications.FastAPI", "fastapi", true, true, false},
    {"flask.Flask", "flask", false, true, false},
    {"flask.app.Flask", "flask", false, true, false},
    {"starlette.applications.Starlette", "starlette", true, true, false},
    {"quart.Quart", "quart", true, false, false},
    {"quart.app.Quart", "quart", true, false, false},
    {"fastapi.testclient.TestClient", "fastapi", false, true, true},
    {"starlette.testclient.TestClient", "starlette", false, true, true},
};

// Web frameworks whose decorators register per-request handlers.
constexpr std::array<std::string_view, 10> kWebPackages = {
    "fastapi",  "flask",   "starlette", "quart",  "sanic",
    "litestar", "aiohttp", "falcon",    "bottle", "apiflask"};

}  // namespace

const AppConstructor* app_constructor(std::string_view qualified_callee) {
  for (const AppConstructor& c : kConstructors) {
    if (c.callee == qualified_callee) return &c;
  }
  return nullptr;
}

bool is_web_package(std::string_view package) {
  return std::find(kWebPackages.begin(), kWebPackages.end(), package) != kWebPackages.end();
}

}  // namespace sqla
