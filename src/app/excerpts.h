#pragma once
// The source lines the text output shows under its findings (report::render_excerpt).
#include <cstdint>
#include <vector>

#include "app/walk.h"
#include "core/report.h"

namespace app {

/// Fills report.source_lines with the line each unsuppressed finding and diagnostic points at,
/// read again from the audited files (`files`, which hold the text read from stdin) or, for files
/// the walk did not list (project files such as pyproject.toml), from the path as displayed.
/// A file that cannot be read now simply gets no excerpt.
void collect_source_lines(const std::vector<InputFile>& files, uint64_t max_size, core::Report& report);

}  // namespace app
