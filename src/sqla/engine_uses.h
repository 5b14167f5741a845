#pragma once
// Which code uses a module-level engine. A Lambda's config module may build an engine that only
// Alembic's env.py (run from a laptop or CI) or the tests ever use: in the deployed function it
// never opens a connection, so nothing goes stale (facts PA104, false-positive traps). The answer
// is conservative: any use it cannot follow counts as a use by the deployed application.
#include <string>
#include <vector>

#include "py/module.h"
#include "sqla/facts.h"
#include "ts/tree.h"

namespace sqla {

class ModuleTable;

/// File phase: the uses of module-level names spelled with "engine" (the engine variables and
/// their getters, `get_sync_engine`) and the modules this file star-imports.
void collect_engine_references(const py::Module& m, ts::Node root, std::vector<EngineReference>& out,
                               std::vector<std::string>& star_imports);

/// Project phase: true when the module-level engine of `site` (in `file`) is used, and every use
/// (directly, or through a plain module-level function spelled with "engine" that uses it) is in
/// an Alembic env.py, a test or a script. False when a use is in application code, when a use
/// does not resolve, when the engine's module is star-imported, or when nothing uses it.
bool engine_used_only_outside_app(const ProjectFacts& facts, const ModuleTable& table, const FileFacts& file,
                                  const EngineSite& site);

}  // namespace sqla
