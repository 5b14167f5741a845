// The command line: CLI11 -> app::Options -> app::run. Nothing else lives here.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/run.h"
#include "app/suggest.h"
#include "cli/doc_generators.h"

namespace {

/// "; did you mean --format?" for the first unknown flag that is close to a known one, else "".
std::string did_you_mean(const CLI::App& cli) {
  std::vector<std::string> known;
  for (const CLI::Option* option : cli.get_options()) {
    for (const std::string& name : option->get_lnames()) known.push_back("--" + name);
  }
  for (const std::string& arg : cli.remaining()) {
    if (arg.rfind("--", 0) != 0) continue;
    const std::string typed = arg.substr(0, arg.find('='));
    const std::string guess = app::closest_spelling(typed, known);
    if (!guess.empty()) return "; did you mean " + guess + "?";
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  app::Options options;
  CLI::App cli{"poolaudit: audits SQLAlchemy connection pools, sessions and Alembic set-ups in Python backends",
               "poolaudit"};
  cli.add_option("paths", options.paths, "Files and directories to audit (default: .)");
  cli.add_option("--format,--output-format", options.format,
                 "Output format: text, markdown, json, sarif, github, gitlab")
      ->check(CLI::IsMember({"text", "markdown", "json", "sarif", "github", "gitlab"}));
  cli.add_option("-o,--output", options.output, "Write the report to FILE (atomically)");
  cli.add_option("--select", options.select, "Rules to run: ids, prefixes (PA1), names or ALL, any case")
      ->allow_extra_args(false);
  cli.add_option("--ignore", options.ignore, "Rules not to run: ids, prefixes or names")
      ->allow_extra_args(false);
  cli.add_option("--exclude", options.exclude, "Glob of paths to skip (repeatable)")
      ->allow_extra_args(false);
  cli.add_option("--fail-on", options.fail_on, "Lowest severity that fails the run: error, warning, info, never")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}));
  cli.add_flag("--exit-zero", options.exit_zero, "Exit 0 even when findings are reported");
  cli.add_option("-j,--jobs", options.jobs, "Threads (default: all cores)")->check(CLI::Range(0, 1024));
  cli.add_option("--color", options.color,
                 "auto, always, never (auto honours FORCE_COLOR, NO_COLOR, CLICOLOR_FORCE)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cli.add_flag("-q,--quiet", options.quiet, "Print findings and the summary line only");
  cli.add_flag("--concise", options.concise, "Text: one line per finding, without the source excerpt");
  cli.add_flag("--statistics", options.statistics,
               "Print the number of findings per rule, most frequent first (text or json)");
  cli.add_option("--rule-docs-url", options.rule_docs_url,
                 "Where the rule pages live: a base for PAnnn.md, or a URL with {code}");
  cli.add_flag("--list-rules", options.list_rules, "List the rules (--format json: as JSON) and exit");
  cli.add_option("--explain", options.explain,
                 "Explain a rule (id or name, any case): why, example, fix; and exit");
  cli.add_flag("-V,--version", options.version, "Print the version and exit");
  cli.add_option("--dump-facts", options.dump_facts, "Print what the semantic layer resolved for FILE...");
  cli.add_option("--max-file-size", options.max_file_size, "Skip files larger than this many bytes")
      ->check(CLI::Validator(
          // CLI11 reads "-1" into an unsigned as 2^64-1, and 0 would skip every non-empty file.
          [](const std::string& value) -> std::string {
            const bool digits =
                !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
            if (digits && value.find_first_not_of('0') != std::string::npos && value.size() <= 19)
              return {};
            return "takes a number of bytes of at least 1, not '" + value + "'";
          },
          "BYTES"));
  cli.add_flag("--parse-only", options.parse_only, "Walk, read and parse every file, no analysis (benchmark floor)");
  cli.add_option("--config", options.config, "One configuration file for every file (default: each file's closest "
                 ".poolaudit.toml, poolaudit.toml or pyproject.toml [tool.poolaudit] above it)");
  cli.add_flag("--isolated", options.isolated, "Ignore every configuration file");
  cli.add_option("--extend-select", options.extend_select, "Rules to run in addition to the selected ones")
      ->allow_extra_args(false);
  cli.add_option("--per-file-ignores", options.per_file_ignores, "GLOB:IDS, rules not run on matching files (repeatable)")
      ->allow_extra_args(false);
  cli.add_flag("--show-settings", options.show_settings,
               "Print the settings of each PATH and the configuration files they came from, and exit");
  cli.add_flag("--report-unused-suppressions", options.report_unused_suppressions,
               "Report suppression comments that matched no finding (PA005)");
  cli.add_option("--baseline", options.baseline, "Findings recorded in this baseline file are counted as suppressed");
  cli.add_option("--write-baseline", options.write_baseline, "Write the current findings to a baseline file and exit");
  cli.add_option("--files-from", options.files_from, "Also audit the paths listed in FILE, one per line (- = stdin)");
  cli.add_option("--stdin-filename", options.stdin_filename, "The path of the source read from stdin (path -)");
  cli.add_flag("--force-exclude", options.force_exclude, "Apply excludes and .gitignore to files given explicitly too");
  cli.add_flag("!--no-respect-gitignore", options.respect_gitignore, "Audit files that .gitignore ignores");
  bool no_prefilter = false;
  cli.add_flag("--no-prefilter", no_prefilter, "Parse and analyse every file, not only those that can hold facts");
  cli.add_option("--cache-dir", options.cache_dir,
                 "Where the facts cache lives (default: .poolaudit_cache in the project root)")
      ->envname("POOLAUDIT_CACHE_DIR");
  bool no_cache = false;
  cli.add_flag("--no-cache", no_cache, "Neither read nor write the facts cache: analyse every file again");
  cli.add_flag("--files-only", options.files_only,
               "Audit the named files alone, without the project around them (its root, its other modules)");
  cli.add_flag("--fix", options.fix, "Apply safe fixes in place (path -: print the fixed source)");
  cli.add_flag("--unsafe-fixes", options.unsafe_fixes, "Also offer and apply fixes that may change behaviour");
  cli.add_flag("--diff", options.diff, "Print the diff --fix would apply and change nothing (exit 1 when there is one); secrets in it "
               "(a URL's password) are masked as ***, so such a hunk shows but does not apply as a patch");
  cli.add_flag("--fix-only", options.fix_only, "Apply fixes and report nothing else (exit 0)");
  cli_docs::add_doc_generators(cli);  // last: the man page and completions list every option above
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::Success& e) {  // --generate-man, --generate-completions
    return cli.exit(e);
  } catch (const CLI::ExtrasError& e) {
    std::cerr << "poolaudit: " << e.what() << did_you_mean(cli) << " (see --help)\n";
    return app::kExitUsage;
  } catch (const CLI::ParseError& e) {
    std::cerr << "poolaudit: " << e.what() << " (see --help)\n";
    return app::kExitUsage;
  }
  for (const CLI::Option* option : cli.get_options()) {
    if (option->count() > 0 && !option->get_lnames().empty()) options.given.push_back(option->get_lnames().front());
  }
  options.prefilter = !no_prefilter;
  options.cache = !no_cache;
  options.exit_after_run = true;
  // Rule lists are split here, not by CLI11, which drops empty items: `--select PA101,` (an unset
  // shell variable) must reach app::run as an empty id and exit 2, not run the default set.
  for (std::vector<std::string>* list : {&options.select, &options.ignore, &options.extend_select}) {
    std::vector<std::string> items;
    for (const std::string& value : *list) {
      size_t start = 0;
      for (size_t comma; (comma = value.find(',', start)) != std::string::npos; start = comma + 1) {
        items.push_back(value.substr(start, comma - start));
      }
      items.push_back(value.substr(start));
    }
    *list = std::move(items);
  }
  // The library reports expected failures as values; anything thrown is a defect, and a CI gate
  // must still end with one line and exit 2 rather than abort with a core dump.
  try {
    return app::run(options, std::cout, std::cerr, isatty(STDOUT_FILENO) != 0);
  } catch (const std::exception& e) {
    std::cerr << "poolaudit: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "poolaudit: internal error: unknown exception\n";
  }
  return app::kExitUsage;
}
