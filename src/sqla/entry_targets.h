#pragma once
// Shared by the entry-point scanners (entry_points.cpp, task_queues.cpp): the function an
// expression names, a call's argument, and recording an entry point once.
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/location.h"
#include "sqla/entry_points.h"
#include "ts/tree.h"

namespace py {
class Module;
struct FunctionInfo;
}  // namespace py

namespace sqla::entry_detail {

/// A function named by an expression: this module's (`local`, an index into functions()) or
/// another module's (`symbol`, "app.tasks.send_mail").
struct Target {
  int local = -1;
  std::string symbol;
};

/// The function an identifier or `module.name` names (a class: its `__init__`).
Target target_of(const py::Module& m, ts::Node expr);

/// The argument at `index` (positional) or keyword `names` of a call node; null when absent or
/// behind a `*` / `**` splat.
ts::Node argument(const py::Module& m, ts::Node call, size_t index,
                  std::initializer_list<std::string_view> names);

/// Records `f` as an entry point unless it is one already.
void add_entry(EntryPointFacts& out, const py::FunctionInfo& f, EntryKind kind, std::string why,
               core::Location evidence);

/// Records the target as a local entry point or a foreign one (resolved per project).
void add_target(const py::Module& m, const Target& t, EntryKind kind, std::string why,
                core::Location evidence, EntryPointFacts& out);

}  // namespace sqla::entry_detail
