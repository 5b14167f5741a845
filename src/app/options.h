#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace app {

/// Everything the command line can say; main.cpp fills it, run() acts on it.
struct Options {
  std::vector<std::string> paths;          ///< files and directories (default ".")
  std::string format = "text";             ///< text | markdown | json
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
  bool prefilter = true;                   ///< parse only files a literal scan finds relevant, and what they import
  bool files_only = false;                 ///< named files are the whole project (no project root around them)
};

}  // namespace app
