#include "sqla/fact_compaction.h"

#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "core/text.h"
#include "sqla/facts.h"

namespace sqla {
namespace {

/// Calls `f` on every vector of the file's facts that the file phase fills with push_back.
template <typename Facts, typename F>
void each_vector(Facts& facts, F&& f) {
  f(facts.module_aliases);
  f(facts.engines);
  f(facts.session_factories);
  f(facts.sessions);
  f(facts.session_autocommit);
  f(facts.parameter_custody);
  f(facts.registry_references);
  f(facts.engine_references);
  f(facts.star_imports);
  f(facts.with_calls);
  f(facts.plain_generators);
  f(facts.cli_commands);
  f(facts.disposals);
  f(facts.url_literals);
  f(facts.dialect_clues);
  f(facts.migration_runs);
  f(facts.flask_config);
  f(facts.flask_config_objects);
  f(facts.flask_extensions);
  f(facts.web_apps);
  f(facts.thread_sources);
  f(facts.event_handlers);
  f(facts.database_functions);
  f(facts.scopes);
  auto& entry = facts.entry;
  f(entry.entry_points);
  f(entry.cached_functions);
  f(entry.calls);
  f(entry.registry_releases);
  f(entry.foreign_entry_points);
  f(entry.foreign_task_decorators);
  f(entry.context_managers);
  auto& deployment = facts.deployment;
  f(deployment.serverless);
  f(deployment.poolers);
  f(deployment.servers);
  f(deployment.processes);
  f(deployment.env);
  f(deployment.fork_hooks);
  f(deployment.import_connects);
  f(deployment.connecting_functions);
  f(deployment.imported_calls);
  f(deployment.asgi_apps);
  f(deployment.frontend_only);
  f(deployment.vercel_dirs);
  f(deployment.database_servers);
  f(deployment.compose_databases);
  auto& anchors = facts.anchors;
  f(anchors.calls);
  f(anchors.imports);
  f(anchors.globals);
  f(anchors.with_blocks);
  f(anchors.yield_wraps);
}

/// Keeps the first element of each key, in order.
template <typename T, typename Key>
void keep_first_of_each(std::vector<T>& items, Key&& key) {
  std::unordered_set<std::string> seen;
  std::erase_if(items, [&](const T& item) { return !seen.insert(key(item)).second; });
}

}  // namespace

void drop_shadowed_facts(FileFacts& facts) {
  // PA111 (CallsByTarget, entry_caller) asks which entry point calls a function: its answer depends
  // only on the caller and the callee, and it stops at the first such call in file order.
  keep_first_of_each(facts.entry.calls, [](const FunctionCall& c) { return c.caller + '\n' + c.callee + '\n' + c.symbol; });
  // teardown_of (audit_report.cpp) looks for the first release whose receiver ends with a registry's name.
  keep_first_of_each(facts.entry.registry_releases,
                     [](const RegistryRelease& r) { return std::string(core::last_component(r.object)); });
}

void compact(FileFacts& facts) {
  drop_shadowed_facts(facts);
  each_vector(facts, [](auto& v) { v.shrink_to_fit(); });
}

void drop_unimported_exports(FileFacts& facts) {
  ModuleExports& exports = facts.exports;
  std::erase_if(exports.names, [&exports](const auto& entry) {
    const std::string& name = entry.first;
    if (name.ends_with("()")) return false;
    return exports.classes.count(name.substr(0, name.find('.'))) == 0;
  });
}

size_t vector_slack(const FileFacts& facts) {
  size_t bytes = 0;
  each_vector(facts, [&bytes](const auto& v) {
    bytes += (v.capacity() - v.size()) * sizeof(typename std::remove_cvref_t<decltype(v)>::value_type);
  });
  return bytes;
}

}  // namespace sqla
