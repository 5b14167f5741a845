#pragma once
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "app/config_tree.h"
#include "app/options.h"
#include "app/walk.h"
#include "core/report.h"
#include "rules/rule.h"
#include "sqla/facts.h"

namespace app {

/// Audits the paths in `options` with the `selected` rules. On a usage or I/O problem returns
/// nullopt with `error` set (exit code 2). `settings` (configuration, baseline) may be null; they
/// apply to every file (no discovery). `--fix` (fix_run.cpp): `texts` replaces the bytes of the files
/// with these display paths (the re-audit of fixed text, in memory), and `files`, when given,
/// receives the files audited.
std::optional<core::Report> analyze(const Options& options, const std::vector<const rules::Rule*>& selected,
                                    std::string& error, const Settings* settings = nullptr,
                                    const std::map<std::string, std::string>* texts = nullptr,
                                    std::vector<InputFile>* files = nullptr);

/// Audits the paths in `options`, each file with its own settings from `tree` (hierarchical
/// configuration). `selected` receives the rules that ran (those of every file's settings).
std::optional<core::Report> analyze(const Options& options, SettingsTree& tree,
                                    std::vector<const rules::Rule*>& selected, std::string& error,
                                    const std::map<std::string, std::string>* texts = nullptr,
                                    std::vector<InputFile>* files = nullptr);

/// The in-memory entry point (tests, fuzzer): one file's text, every rule; findings + diagnostics.
std::vector<core::Finding> analyze_source(std::string_view text, std::string_view path = "input.py");

/// Prints what the semantic layer resolved for each file (engines, configurations per branch,
/// values with origins, URLs). For model tests and debugging.
bool dump_facts(const std::vector<std::string>& paths, std::ostream& out, std::string& error);

/// The rules `select` / `ignore` choose (ids, prefixes, ALL); error names an unknown id.
std::optional<std::vector<const rules::Rule*>> select_rules(const std::vector<std::string>& select,
                                                           const std::vector<std::string>& ignore,
                                                           std::string& error);

}  // namespace app
