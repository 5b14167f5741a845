#pragma once
// The file phase: stages "read", "pre-filter" and "file facts" over every file, in parallel (one
// parser per thread): with the pre-filter, the files that can hold facts and the modules they import;
// then project wrappers analysed again at their call sites.
#include <cstdint>
#include <vector>

#include "app/file_facts.h"
#include "app/walk.h"
#include "sqla/project_context.h"

namespace app {

/// The file phase: every file read; Python files parsed and analysed (with the pre-filter, those
/// that can hold facts and what they import); then project wrappers at their call sites. With a
/// cache, each Python file's pieces come from it when its content is unchanged (facts_cache.h).
std::vector<FileResult> file_phase(const std::vector<InputFile>& files, const sqla::ProjectContext& context,
                                   uint64_t max_size, bool parse_only, bool prefilter, unsigned jobs,
                                   const FactsCache* cache = nullptr);

}  // namespace app
