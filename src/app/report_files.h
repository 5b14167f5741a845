#pragma once
// Which files the report counts and covers: every file's diagnostics and suppression comments, the
// summary's counts, and, when files were named alone, the report restricted to them (the rest of the
// project was context).
#include <set>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/file_facts.h"
#include "app/walk.h"
#include "core/report.h"
#include "sqla/facts.h"

namespace app {

/// Moves each file's diagnostics into `report`, applies its configuration's role globs and counts
/// the audited and skipped files per role (only the `named` ones when some were named); returns each
/// file's suppression comments by path.
DirectiveMap take_file_results(const SettingsFor& settings_for, const std::vector<InputFile>& files,
                               std::vector<FileResult>& results, const std::set<std::string>& named,
                               core::Report& report);

/// Keeps the findings, diagnostics and facts of the `named` files (diagnostics of files outside the
/// project, such as configuration files, stay). Returns the other files' facts, for the caller to
/// dispose of (leave_to_exit.h).
std::vector<sqla::FileFacts> keep_named_files(const std::set<std::string>& named, const std::vector<InputFile>& files,
                      sqla::ProjectFacts& facts, core::Report& report);

}  // namespace app
