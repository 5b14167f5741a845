// The project phase of the session analysis: a session use named through another module
// (`from app.db import SessionLocal`) is confirmed by following re-exports to the value it holds,
// a session lent to another module's function is handed over when that function keeps or closes
// it, and a `with` over another module's plain generator is marked.
#include <string>
#include <vector>

#include "sqla/entry_points.h"
#include "sqla/module_table.h"

#include "sqla/session_analysis.h"

namespace sqla {
using namespace session_analysis;  // NOLINT(google-build-using-namespace): this concern's helpers

namespace {

/// The value a project name holds, following re-exports through other modules.
/// `importer`: the file that names `symbol` (of same-named modules, the nearest is meant).
const py::Value* resolve_symbol(const ModuleTable& modules, std::string_view symbol,
                                std::string_view importer, int depth = 0) {
  if (depth > 4) return nullptr;
  std::string_view rest;
  const FileFacts* home = modules.home_of(symbol, importer, rest);
  if (!home) return nullptr;
  auto it = home->exports.names.find(std::string(rest));
  if (it == home->exports.names.end() || it->second.size() != 1) return nullptr;  // several values: silence
  const py::Value* v = it->second[0].value.get();
  if (v->kind == ValueKind::kSymbol && !is_library(v->text)) {
    if (const py::Value* next = resolve_symbol(modules, v->text, home->path, depth + 1)) return next;
  }
  return v;
}

}  // namespace

namespace {

/// True when one of the functions the object was given to closes or keeps that parameter.
bool hands_over_elsewhere(const ModuleTable& modules, const std::vector<Handover>& handovers,
                          std::string_view importer) {
  for (const Handover& h : handovers) {
    std::string_view rest;
    const FileFacts* home = modules.home_of(h.symbol, importer, rest);
    if (!home) continue;
    for (const ParameterCustody& c : home->parameter_custody) {
      // A function takes arguments from its first parameter, a class's __init__ after `self`.
      const bool function = c.function == rest;
      const bool init = c.function.size() == rest.size() + 9 && c.function.starts_with(rest) &&
                        std::string_view(c.function).substr(rest.size()) == ".__init__";
      if (!function && !init) continue;
      if (c.parameter == "*" || (h.keyword.empty() ? c.index == h.position + (init ? 1 : 0) : c.parameter == h.keyword)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

void resolve_sessions(ProjectFacts& facts) {
  resolve_entry_points(facts);
  const ModuleTable modules(facts);
  for (FileFacts& file : facts.files) {
    for (WithCall& w : file.with_calls) {
      if (w.symbol.empty()) continue;
      std::string_view rest;
      const FileFacts* home = modules.home_of(w.symbol, file.path, rest);
      if (!home) continue;
      for (const auto& [name, is_async] : home->plain_generators) {
        if (name != rest) continue;
        w.plain_generator = true;
        w.async_generator = is_async;
      }
    }
    for (SessionUse& use : file.sessions) {
      if (use.release == Release::kNever && hands_over_elsewhere(modules, use.handovers, file.path)) {
        use.release = Release::kPassed;
      }
      if (use.symbol.empty()) continue;
      const py::Value* v = resolve_symbol(modules, use.symbol, file.path);
      if (!v) continue;
      if (v->kind == ValueKind::kFunction) {
        // `get_session()` of another module, returning a new Session: the caller owns it.
        const py::Value* made =
            use.connection ? nullptr : resolve_symbol(modules, use.symbol + "()", file.path);
        use.confirmed = made && made->kind == ValueKind::kSymbol && is_session_instance(made->text);
        continue;
      }
      use.confirmed = use.connection ? is_engine_object(v)
                                     : v->kind == ValueKind::kSymbol &&
                                           (is_session_class(v->text) || is_sessionmaker_instance(v->text));
    }
  }
}

}  // namespace sqla
