#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace app {

#ifndef POOLAUDIT_HOMEPAGE
#define POOLAUDIT_HOMEPAGE "https://github.com/poolaudit/poolaudit"
#endif

/// The rule pages of this repository (docs/rules/PAnnn.md) where it is published: POOLAUDIT_HOMEPAGE
/// is a CMake cache variable, set to the URL of your copy.
inline constexpr const char* kDefaultRuleDocsUrl = POOLAUDIT_HOMEPAGE "/blob/main/docs/rules/";

/// Everything the command line can say; main.cpp fills it, run() acts on it.
struct Options {
  std::vector<std::string> paths;          ///< files and directories (default ".")
  std::string format = "text";             ///< text | markdown | json | sarif | github | gitlab
  std::string output;                      ///< file to write (atomically); "" = stdout
  std::vector<std::string> select;         ///< ids, prefixes or ALL; empty = the default set
  std::vector<std::string> ignore;
  std::vector<std::string> exclude;        ///< extra glob patterns
  std::string fail_on = "warning";         ///< error | warning | info | never
  bool exit_zero = false;
  int jobs = 0;                            ///< 0 = all cores
  std::string color = "auto";              ///< auto | always | never
  bool quiet = false;                      ///< findings only, no report sections
  bool list_rules = false;
  std::string explain;                     ///< rule id to explain
  bool version = false;
  std::vector<std::string> dump_facts;     ///< files whose resolved facts to print
  uint64_t max_file_size = 10u << 20;      ///< larger files are reported (PA002) and skipped
  bool parse_only = false;                 ///< walk, read and parse only (the benchmark floor)
  // Configuration, suppressions and baselines (config.cpp, suppressions.cpp, baseline.cpp).
  std::string config;                      ///< --config FILE; "" = discover from the first path upwards
  bool isolated = false;                   ///< ignore every configuration file
  std::vector<std::string> extend_select;  ///< added to select (command line and configuration)
  std::vector<std::string> per_file_ignores;  ///< "GLOB:IDS"; replaces the configuration's table
  bool show_settings = false;
  bool report_unused_suppressions = false;
  std::string baseline;                    ///< findings recorded here are counted as suppressed
  std::string write_baseline;              ///< write the current findings to this file and exit
  std::vector<std::string> given;          ///< long names of the flags given ("fail-on"): config yields to them
  std::string files_from;                  ///< file listing more paths, one per line; "-" = stdin
  std::string stdin_filename;              ///< path reported for the source read from stdin (path "-")
  bool force_exclude = false;              ///< excludes and .gitignore apply to explicitly given files too
  bool respect_gitignore = true;           ///< skip what git ignores (.gitignore, .git/info/exclude)
  bool prefilter = true;                   ///< parse only files a literal scan finds relevant, and what they import
  // The facts cache (facts_cache.h): ruff's and mypy's options.
  bool cache = false;                      ///< the facts cache; the command line turns it on (--no-cache: off)
  std::string cache_dir;                   ///< --cache-dir / POOLAUDIT_CACHE_DIR; "" = <project root>/.poolaudit_cache
  bool files_only = false;                 ///< named files are the whole project (no project root around them)
  /// main(): the process ends after this run, so analyze() leaves its facts to the exit instead of
  /// freeing them (leave_to_exit.h). Off for a caller that goes on, and for a fix run's analyses.
  bool exit_after_run = false;
  // Output conventions shared with ruff (run.cpp, src/report/).
  bool statistics = false;                 ///< a count per rule instead of the findings
  bool concise = false;                    ///< text: one line per finding, no source excerpt
  std::string rule_docs_url = kDefaultRuleDocsUrl;
  // Autofix (fix_run.cpp).
  bool fix = false;                        ///< apply safe fixes in place ("-": print the fixed source)
  bool unsafe_fixes = false;               ///< also offer and apply fixes that may change behaviour
  bool diff = false;                       ///< print the diff --fix would apply, change nothing
  bool fix_only = false;                   ///< apply fixes, report nothing else  ///< rule pages: "{code}" replaced, or dir + "/PA101.md"
};

}  // namespace app
