#include "app/analyze.h"

#include <algorithm>
#include <map>
#include <set>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/audit_report.h"
#include "app/diagnostics.h"
#include "app/excerpts.h"
#include "app/facts_cache.h"
#include "app/file_facts.h"
#include "app/file_phase.h"
#include "app/inputs.h"
#include "app/leave_to_exit.h"
#include "app/prefilter.h"
#include "app/project_facts.h"
#include "app/read_source.h"
#include "app/report_files.h"
#include "app/run_rules.h"
#include "app/walk.h"
#include "core/mask.h"
#include "core/printable.h"
#include "core/text.h"
#include "py/grammar.h"
#include "sqla/deployment.h"
#include "sqla/dump.h"
#include "sqla/project_context.h"
#include "sqla/service_versions.h"
#include "ts/tree.h"

namespace app {
namespace {

/// `poolaudit ./backend`: the audited directory's own dependency files (or those between it and
/// the project root) are nearer than the project root's, and count without any project marker.
void use_audited_versions(const std::string& audited, sqla::ProjectContext& context,
                          std::vector<core::Finding>& diagnostics) {
  std::error_code ec;
  std::filesystem::path directory = std::filesystem::absolute(audited, ec).lexically_normal();
  if (!std::filesystem::is_directory(directory, ec)) directory = directory.parent_path();
  if (!directory.has_filename()) directory = directory.parent_path();
  const std::string nearest = sqla::nearest_dependency_directory(directory.string(), context.root);
  if (nearest.empty()) return;
  std::filesystem::path root = std::filesystem::path(context.root).lexically_normal();
  if (!root.has_filename()) root = root.parent_path();
  if (!context.root.empty() && std::filesystem::path(nearest) == root) return;  // already read
  static_cast<sqla::DependencyVersions&>(context) = sqla::read_dependency_versions(nearest, diagnostics);
}

/// Reads the configuration of every walked file, then drops the files their own configuration
/// excludes (a nested `exclude`; the project's already pruned the walk). A path named on the command
/// line stays unless --force-exclude, as with the project's excludes.
bool load_file_settings(SettingsTree& tree, const Options& options, Inputs& inputs, std::string& error) {
  std::vector<std::string> shown;
  for (const InputFile& f : inputs.walked.files) shown.push_back(f.display_path);
  if (!tree.load(shown, error)) return false;
  std::set<std::string> given;
  if (!options.force_exclude) {
    for (const std::string& p : inputs.paths) given.insert(display_path(p));
  }
  const Settings& project = tree.project();
  std::erase_if(inputs.walked.files, [&](const InputFile& f) {
    const Settings& own = tree.for_file(f.display_path);
    return &own != &project && !given.count(f.display_path) && excluded_path(f.display_path, own.options.exclude);
  });
  return true;
}

}  // namespace

// The audit pipeline: discover -> read -> pre-filter -> file facts -> project facts -> rules -> policy
// -> report. Each stage is a function in its own file:
//   discover       collect_inputs (inputs.cpp, walk.cpp), read_project_context (sqla/project_context.cpp)
//   read           read_file, text_problem, prepare_text (read_source.cpp)
//   pre-filter     scan_python, ModuleIndex (prefilter.cpp); imported modules followed in file_phase.cpp
//   file facts     process (file_facts.cpp), over every file in parallel by file_phase (file_phase.cpp)
//   project facts  collect_facts (project_facts.cpp), sqla::resolve_project
//   rules          run_rules (run_rules.cpp)
//   policy         apply_policy: configuration, suppressions, baseline (config.cpp, suppressions.cpp)
//   report         take_file_results, keep_named_files (report_files.cpp), build_audit (audit_report.cpp)
std::optional<core::Report> analyze(const Options& options, const std::vector<const rules::Rule*>& selected,
                                    std::string& error, const Settings* settings,
                                    const std::map<std::string, std::string>* texts,
                                    std::vector<InputFile>* files) {
  SettingsTree tree = SettingsTree::single(settings ? *settings : Settings(), selected);
  std::vector<const rules::Rule*> ran;
  return analyze(options, tree, ran, error, texts, files);
}

std::optional<core::Report> analyze(const Options& options, SettingsTree& tree,
                                    std::vector<const rules::Rule*>& selected, std::string& error,
                                    const std::map<std::string, std::string>* texts,
                                    std::vector<InputFile>* files) {
  const py::Grammar& grammar = py::Grammar::get();
  if (!grammar.missing().empty()) {
    error = "internal error: the Python grammar lacks " + grammar.missing().front();
    return std::nullopt;
  }
  // Discover: the files to audit, their settings, and the project around the directory holding
  // every path (its dependency files say which versions it targets): the same for any order.
  Inputs inputs = collect_inputs(options);
  const std::vector<std::string>& paths = inputs.paths;
  WalkResult& walked = inputs.walked;
  if (!walked.error.empty()) {
    error = walked.error;
    return std::nullopt;
  }
  if (!load_file_settings(tree, options, inputs, error)) return std::nullopt;
  selected = tree.union_rules();
  const Settings* settings = &tree.project();
  const std::string common = common_directory(paths);
  const std::string project_root = sqla::find_project_root(common);
  if (texts) {
    for (InputFile& file : walked.files) {
      if (const auto text = texts->find(file.display_path); text != texts->end()) file.text = text->second;
    }
  }
  if (files) *files = walked.files;
  sqla::ProjectContext context = sqla::read_project_context(project_root, walked.diagnostics);
  use_audited_versions(common, context, walked.diagnostics);
  apply_settings(*settings, context);
  // Files named alone are audited inside their project: its roles and deployment evidence cover them.
  context.audit_roots = audit_roots(inputs.named.empty() ? paths : std::vector<std::string>{project_root});
  const unsigned jobs =
      options.jobs > 0 ? static_cast<unsigned>(options.jobs) : std::max(1u, std::thread::hardware_concurrency());
  // Read, pre-filter, file facts.
  // The facts cache: not for --parse-only (the benchmark floor reads and parses every file).
  std::unique_ptr<FactsCache> cache;
  if (options.cache && !options.parse_only) {
    // --cache-dir / POOLAUDIT_CACHE_DIR, else the configuration's `cache-dir`, else the project root's.
    const std::string& chosen = options.cache_dir.empty() ? settings->options.cache_dir : options.cache_dir;
    cache = FactsCache::open(chosen.empty() ? default_cache_dir(project_root) : chosen);
  }
  std::vector<FileResult> results = file_phase(walked.files, context, options.max_file_size, options.parse_only,
                                               options.prefilter, jobs, cache.get());
  sqla::ProjectFacts facts;
  facts.context = context;
  core::Report report;
  report.root = paths.size() == 1 ? core::lossy_utf8(paths[0]) : std::to_string(paths.size()) + " paths";
  report.diagnostics = std::move(walked.diagnostics);
  const std::set<std::string>& named = inputs.named;
  const SettingsFor settings_for = [&tree](const std::string& path) -> const Settings& { return tree.for_file(path); };
  DirectiveMap directives = take_file_results(settings_for, walked.files, results, named, report);
  // Project facts, over the same audit roots as the file roles.
  // Each service's context keys come from the configuration closest above its directory.
  const ConfigureService configure = [&tree](sqla::Service& service) {
    apply_service_settings(tree.project(), tree.for_directory(service.path.empty() ? "." : service.path), service);
  };
  collect_facts(walked.files, results, facts, context.audit_roots, configure);
  sqla::assign_service_versions(facts);
  results.clear();
  std::sort(report.diagnostics.begin(), report.diagnostics.end(), core::finding_less);
  sqla::resolve_project(facts);
  // Rules, policy, report.
  report.findings = run_rules(facts, selected);
  if (!options.parse_only) {
    // A walked file without suppression comments was scanned all the same: an empty entry keeps
    // apply_suppressions from reading it again as a non-Python file.
    for (const core::Finding& f : report.findings) {
      const auto walked_file = std::lower_bound(
          walked.files.begin(), walked.files.end(), f.where.path,
          [](const InputFile& file, const std::string& path) { return file.display_path < path; });
      if (walked_file != walked.files.end() && walked_file->display_path == f.where.path) {
        directives.try_emplace(f.where.path);
      }
    }
    apply_policy(*settings, settings_for, facts, directives, selected, report);
  }
  if (!tree.error().empty()) {  // a finding outside the walked files met a bad configuration
    error = tree.error();
    return std::nullopt;
  }
  std::vector<sqla::FileFacts> others;
  if (!named.empty()) others = keep_named_files(named, walked.files, facts, report);
  build_audit(facts, selected, report);
  // Text shows the line under each finding (ruff's "full" style) unless --concise or --statistics.
  if (options.format == "text" && !options.concise && !options.statistics) {
    collect_source_lines(walked.files, options.max_file_size, report);
  }
  dispose(std::move(others), options.exit_after_run);
  dispose(std::move(facts), options.exit_after_run);
  return report;
}

std::vector<core::Finding> analyze_source(std::string_view text, std::string_view path) {
  std::vector<core::Finding> out;
  const FileProblem problem = text_problem(text);
  if (!problem.empty()) {
    out.push_back(unreadable_diagnostic(std::string(path), problem.message, problem.fix));
    return out;
  }
  core::SourceFile source{std::string(path), prepare_text(std::string(text))};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(source.text());
  if (!tree) return out;
  if (tree.root().has_error()) out.push_back(syntax_diagnostic(source, first_syntax_error(tree.root())));
  sqla::ProjectFacts facts;
  core::WorkBudget budget(core::WorkBudget::for_file(source.text().size()));
  {
    const core::BudgetScope scope(budget);
    facts.files.push_back(sqla::analyze_python(source, tree.root(), "input", false, facts.context));
  }
  if (budget.exhausted()) {
    out.push_back(budget_diagnostic(std::string(path), budget));
    return out;
  }
  sqla::merge_deployment(facts, {}, {});
  sqla::resolve_project(facts);
  std::vector<const rules::Rule*> all(rules::all_rules().begin(), rules::all_rules().end());
  for (core::Finding& f : run_rules(facts, all)) out.push_back(std::move(f));
  return out;
}

bool dump_facts(const std::vector<std::string>& paths, std::ostream& out, std::string& error) {
  WalkResult walked = walk(paths, {});
  if (!walked.error.empty()) {
    error = walked.error;
    return false;
  }
  std::vector<core::Finding> ignored;
  const std::string project_root = sqla::find_project_root(paths.front());
  sqla::ProjectContext context = sqla::read_project_context(project_root, ignored);
  use_audited_versions(paths.front(), context, ignored);
  // A file is shown with the role it has in its project (as when it is audited by name).
  std::error_code ec;
  const bool file_in_project = !project_root.empty() && !std::filesystem::is_directory(paths.front(), ec);
  context.audit_roots = audit_roots(file_in_project ? std::vector<std::string>{project_root} : paths);
  std::vector<FileResult> results = file_phase(walked.files, context, 64u << 20, false, false, 1);
  for (const FileResult& r : results) {
    for (const core::Finding& d : r.diagnostics) out << d.where.path << ": " << d.code << " " << d.message << "\n";
  }
  sqla::ProjectFacts facts;
  collect_facts(walked.files, results, facts, audit_roots(paths));
  facts.context = context;
  sqla::assign_service_versions(facts);
  if (context.sqlalchemy) out << "sqlalchemy " << context.sqlalchemy->str() << " (" << context.sqlalchemy_origin << ")\n";
  if (context.flask_sqlalchemy) {
    out << "flask-sqlalchemy " << context.flask_sqlalchemy->str() << " (" << context.flask_sqlalchemy_origin << ")\n";
  }
  sqla::resolve_project(facts);
  for (const sqla::FileFacts& f : facts.files) sqla::dump(f, out);
  for (const sqla::IniFile& i : facts.ini_files) sqla::dump(i, out);
  sqla::dump(facts.dialect, out);
  sqla::dump(facts.deployment, out);
  if (facts.services.size() > 1) {  // a repository of one service prints what it always printed
    for (const sqla::Service& service : facts.services) {
      out << "service " << (service.path.empty() ? "." : service.path) << ":";
      for (const std::string& m : service.markers) out << " " << m;
      out << "\n";
      sqla::dump(service.deployment, out);
    }
  }
  return true;
}

}  // namespace app
