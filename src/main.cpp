// The command line: CLI11 -> app::Options -> app::run. Nothing else lives here.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/run.h"

int main(int argc, char** argv) {
  app::Options options;
  CLI::App cli{"poolaudit: audits SQLAlchemy connection pools, sessions and Alembic set-ups in Python backends",
               "poolaudit"};
  cli.add_option("paths", options.paths, "Files and directories to audit (default: .)");
  cli.add_option("--format", options.format, "Output format: text, markdown, json")
      ->check(CLI::IsMember({"text", "markdown", "json"}));
  cli.add_option("-o,--output", options.output, "Write the report to FILE (atomically)");
  cli.add_option("--select", options.select, "Rules to run: ids, prefixes (PA1) or ALL")->delimiter(',')
      ->allow_extra_args(false);
  cli.add_option("--ignore", options.ignore, "Rules not to run: ids or prefixes")->delimiter(',')
      ->allow_extra_args(false);
  cli.add_option("--exclude", options.exclude, "Glob of paths to skip (repeatable)")
      ->allow_extra_args(false);
  cli.add_option("--fail-on", options.fail_on, "Lowest severity that fails the run: error, warning, info, never")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}));
  cli.add_flag("--exit-zero", options.exit_zero, "Exit 0 even when findings are reported");
  cli.add_option("-j,--jobs", options.jobs, "Threads (default: all cores)")->check(CLI::Range(0, 1024));
  cli.add_option("--color", options.color, "auto, always, never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cli.add_flag("-q,--quiet", options.quiet, "Print findings and the summary line only");
  cli.add_flag("--list-rules", options.list_rules, "List the rules and exit");
  cli.add_option("--explain", options.explain, "Explain a rule (why, example, fix) and exit");
  cli.add_flag("-V,--version", options.version, "Print the version and exit");
  cli.add_option("--dump-facts", options.dump_facts, "Print what the semantic layer resolved for FILE...");
  cli.add_option("--max-file-size", options.max_file_size, "Skip files larger than this many bytes");
  cli.add_flag("--parse-only", options.parse_only, "Walk, read and parse every file, no analysis (benchmark floor)");
  bool no_prefilter = false;
  cli.add_flag("--no-prefilter", no_prefilter, "Parse and analyse every file, not only those that can hold facts");
  cli.add_flag("--files-only", options.files_only,
               "Audit the named files alone, without the project around them (its root, its other modules)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "poolaudit: " << e.what() << " (see --help)\n";
    return app::kExitUsage;
  }
  options.prefilter = !no_prefilter;
  return app::run(options, std::cout, std::cerr, isatty(STDOUT_FILENO) != 0);
}
