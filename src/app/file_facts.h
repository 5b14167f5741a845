#pragma once
// Stage "file facts": one file taken as far as its pass says: an ini or deployment file read, a Python
// file scanned by the pre-filter, parsed and analysed into sqla::FileFacts. The tree is freed before
// process() returns: memory does not grow with the project.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/prefilter.h"
#include "app/suppressions.h"
#include "app/walk.h"
#include "core/budget.h"
#include "core/finding.h"
#include "core/role.h"
#include "core/source_file.h"
#include "sqla/facts.h"
#include "sqla/project_context.h"
#include "ts/tree.h"

namespace app {

class FactsCache;

/// What the file phase keeps of one file, held for every walked file until the project phase: the
/// facts are behind pointers so that the many files without any (most of a large tree) cost a few
/// words, not the size of three fact structures.
struct FileResult {
  std::unique_ptr<sqla::FileFacts> python;
  std::unique_ptr<sqla::IniFile> ini;
  std::unique_ptr<sqla::DeploymentFacts> deployment;
  std::vector<core::Finding> diagnostics;
  std::vector<Directive> directives;  ///< suppression comments
  bool skipped = false;
  core::FileRole role = core::FileRole::kProduction;  ///< classified from path and text (then configuration)
  bool analyzed = false;          ///< a Python file parsed and analysed (or its parse failed)
  bool has_with = false;          ///< pre-filter: the file has a `with` statement
  bool has_yield = false;         ///< pre-filter: the file may define a generator
  std::vector<uint32_t> reaches;  ///< pre-filter: files its imports may reach
  /// Every file any import statement of it may reach (relevant or not: a module-level dict another
  /// module imports is shared, sqla::OwnDict); known only with the pre-filter.
  std::vector<uint32_t> imports;
  bool imports_known = false;
  /// pre-filter: relevant, but its analysis was left for a later pass (Pass::defer_analysis).
  bool deferred = false;
  /// pre-filter: analysed only for PA207 (a `with` and the generators it may enter); its imports
  /// are followed only once a file that can hold facts reaches it.
  bool generator_only = false;
};

/// How far process() goes with a Python file.
enum class Depth {
  kParse,    ///< read and parse (the benchmark floor)
  kFilter,   ///< read and scan; parse and analyse when the pre-filter finds it relevant
  kAnalyze,  ///< read, parse and analyse
};

/// What process() needs besides the file.
struct Pass {
  const sqla::ProjectContext& context;
  uint64_t max_size;
  Depth depth = Depth::kAnalyze;
  const ModuleIndex* modules = nullptr;           ///< with the pre-filter: resolve imports to files
  const std::vector<sqla::Wrapper>* wrappers = nullptr;  ///< known project wrappers (second pass)
  bool only_wrapper_callers = false;               ///< skip files that name no wrapper
  uint64_t wrappers_key = 0;                       ///< with `wrappers`: their hash (wrappers_key())
  const FactsCache* cache = nullptr;               ///< Python files' pieces are read from and stored here
  /// With the pre-filter: a file to analyse whose analysis is not in the cache is only scanned
  /// (FileResult::deferred), so that the file phase knows every file's imports before the facts
  /// of any are held (what a module no file imports keeps of its exports, file_phase.cpp).
  bool defer_analysis = false;
};

/// Reads one file and takes it as far as `pass` says. `nullopt` when `only_wrapper_callers` and
/// the file names no wrapper.
std::optional<FileResult> process(const InputFile& file, ts::Parser& parser, const Pass& pass);

/// The first error or missing node, found without recursion.
ts::Node first_syntax_error(ts::Node root);

/// The file's analysis ran out of its work budget. Its facts are dropped, not half-used: facts
/// from a partly interpreted module could be missing the very assignment that makes a finding false.
core::Finding budget_diagnostic(const std::string& path, const core::WorkBudget& budget);

/// PA002 for a parse error at `error`.
core::Finding syntax_diagnostic(const core::SourceFile& source, ts::Node error);

}  // namespace app
