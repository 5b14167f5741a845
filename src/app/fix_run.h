#pragma once
// `--fix`, `--unsafe-fixes`, `--diff`, `--fix-only`: the fixes the findings carry (core/fix.h),
// applied in memory in rounds and verified by auditing the fixed text again.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/config_tree.h"
#include "app/options.h"
#include "core/report.h"
#include "rules/rule.h"

namespace app {

/// One file the fixes changed.
struct FixedFile {
  std::string path;      ///< as opened (where --fix writes it)
  bool from_stdin = false;
  std::string before;    ///< the bytes read
  std::string after;     ///< the bytes with the accepted fixes
};

struct FixOutcome {
  core::Report report;                       ///< the audit of the fixed text (what remains)
  std::map<std::string, FixedFile> changed;  ///< by display path
  size_t applied = 0;                        ///< fixes applied
  std::vector<std::string> dropped;          ///< "app/db.py:3: PA101 fix `Remove ...` not applied: ..."
  std::string stdin_text;                    ///< the source read from stdin ("-"), as read
};

/// Audits, then, up to a bounded number of rounds: takes every offered fix (safe ones, and unsafe
/// ones with `options.unsafe_fixes`) of unsuppressed findings in files without a syntax error,
/// applies a non-overlapping set per file, and audits the project again with the fixed text. A
/// file whose round leaves a syntax error or adds a finding (by file, rule and scope) is set back
/// and retried one fix at a time; a single fix that fails is dropped and reported. Writes nothing.
/// nullopt with `error` on a usage or I/O problem (as analyze()).
/// Each file is audited with its own settings from `tree`; `selected` receives the rules that ran.
std::optional<FixOutcome> fix_project(const Options& options, SettingsTree& tree,
                                      std::vector<const rules::Rule*>& selected, std::string& error);

/// Writes the changed files in place (write_file_atomically: the -o path); the stdin source is
/// left to the caller. False with `error` at the first file that cannot be written.
bool write_fixed_files(const FixOutcome& outcome, std::string& error);

}  // namespace app
