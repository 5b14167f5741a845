#include "app/analyze.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "app/audit_report.h"
#include "app/diagnostics.h"
#include "app/inputs.h"
#include "app/prefilter.h"
#include "app/walk.h"
#include "core/mask.h"
#include "core/text.h"
#include "py/grammar.h"
#include "sqla/deployment.h"
#include "sqla/dump.h"
#include "sqla/project_context.h"
#include "sqla/roles.h"
#include "ts/tree.h"

namespace app {
namespace fs = std::filesystem;
namespace {

struct FileResult {
  std::optional<sqla::FileFacts> python;
  std::optional<sqla::IniFile> ini;
  std::optional<sqla::DeploymentFacts> deployment;
  std::vector<core::Finding> diagnostics;
  std::vector<Directive> directives;  ///< suppression comments
  bool skipped = false;
  core::FileRole role =
      core::FileRole::kProduction; ///< classified from path and text (then
                                   ///< configuration)
  bool analyzed = false;          ///< a Python file parsed and analysed (or its parse failed)
  bool has_with = false;          ///< pre-filter: the file has a `with` statement
  bool has_yield = false;         ///< pre-filter: the file may define a generator
  std::vector<uint32_t> reaches;  ///< pre-filter: files its imports may reach
};

/// How far process() goes with a Python file.
enum class Depth {
  kParse,    ///< read and parse (the benchmark floor)
  kFilter,   ///< read and scan; parse and analyse when the pre-filter finds it relevant
  kAnalyze,  ///< read, parse and analyse
};

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

/// Checks a file's bytes; returns the reason it cannot be audited, or "" when it can.
std::string text_problem(std::string_view bytes) {
  if (bytes.find('\0') != std::string_view::npos) return "binary file (contains NUL bytes); skipped";
  if (!valid_utf8(bytes)) return "not valid UTF-8; skipped";
  return {};
}

/// "512 bytes", "3 KiB", "12 MiB" (rounded down): a limit of 100 bytes must not read "0 MiB".
std::string human_size(uint64_t bytes) {
  if (bytes < (1u << 10)) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  if (bytes < (1u << 20)) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes >> 20) + " MiB";
}

/// Python reads source with universal newlines; the grammar's scanner only knows "\n" and "\r\n",
/// so a lone "\r" (classic Mac files) becomes "\n" in place: byte offsets, and so positions, do not move.
/// A UTF-8 BOM is not code.
std::string prepare_text(std::string text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) text[i] = '\n';
  }
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return text;
}

std::optional<std::string> read_file(const InputFile& file, uint64_t max_size, std::string& problem) {
  if (file.text) return *file.text;  // read from stdin
  std::error_code ec;
  const auto size = fs::file_size(file.path, ec);
  if (ec) {
    problem = "cannot read file: " + ec.message() + "; skipped";
    return std::nullopt;
  }
  if (size > max_size) {
    problem = "file is " + human_size(size) + ", larger than the " + human_size(max_size) +
              " limit (--max-file-size); skipped";
    return std::nullopt;
  }
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    problem = std::string("cannot read file: ") + std::strerror(errno) + "; skipped";
    return std::nullopt;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    problem = "cannot read file; skipped";
    return std::nullopt;
  }
  return bytes;
}

/// The first error or missing node, found without recursion.
ts::Node first_syntax_error(ts::Node root) {
  ts::Node node = root;
  while (node) {
    if (node.is_error() || node.is_missing()) return node;
    ts::Node next;
    for (uint32_t i = 0; i < node.child_count(); ++i) {
      ts::Node c = node.child(i);
      if (c.has_error() || c.is_missing()) {
        next = c;
        break;
      }
    }
    if (!next) return node;
    node = next;
  }
  return root;
}

core::Finding syntax_diagnostic(const core::SourceFile& source, ts::Node error) {
  core::Finding f;
  f.code = std::string(kSyntaxError.code);
  f.name = std::string(kSyntaxError.name);
  f.severity = kSyntaxError.severity;
  f.where = source.location(error.start_byte(), error.end_byte());
  std::string_view text = error.text(source.text());
  text = text.substr(0, text.find_first_of("\r\n"));
  if (text.size() > 40) text = text.substr(0, 40);
  if (error.is_missing()) {
    f.message = std::string("syntax error: missing `") + error.type() + "`; audited where the parser recovered";
  } else {
    f.message = "syntax error at `" + std::string(text) + "`; audited where the parser recovered";
  }
  f.fix = std::string(kSyntaxError.fix);
  return f;
}

/// True when the file calls a project wrapper defined in another file (a textual check: the
/// second pass re-analyses exactly these files, with or without the pre-filter).
bool names_wrapper(std::string_view text, const std::string& path, const std::vector<sqla::Wrapper>& wrappers) {
  return std::any_of(wrappers.begin(), wrappers.end(), [&](const sqla::Wrapper& w) {
    return w.path != path && text.find(w.name + "(") != std::string_view::npos;
  });
}

/// What process() needs besides the file.
struct Pass {
  const sqla::ProjectContext& context;
  uint64_t max_size;
  Depth depth = Depth::kAnalyze;
  const ModuleIndex* modules = nullptr;           ///< with the pre-filter: resolve imports to files
  const std::vector<sqla::Wrapper>* wrappers = nullptr;  ///< known project wrappers (second pass)
  bool only_wrapper_callers = false;               ///< skip files that name no wrapper
};

/// Reads one file and takes it as far as `pass` says. `nullopt` when `only_wrapper_callers` and
/// the file names no wrapper.
std::optional<FileResult> process(const InputFile& file, ts::Parser& parser, const Pass& pass) {
  FileResult result;
  std::string problem;
  std::optional<std::string> bytes = read_file(file, pass.max_size, problem);
  if (bytes) problem = text_problem(*bytes);
  if (!problem.empty()) {
    if (pass.only_wrapper_callers) return std::nullopt;
    result.diagnostics.push_back(unreadable_diagnostic(file.display_path, problem));
    result.skipped = true;
    return result;
  }
  const bool with_wrappers = pass.wrappers && names_wrapper(*bytes, file.display_path, *pass.wrappers);
  if (pass.only_wrapper_callers && !with_wrappers) return std::nullopt;
  core::SourceFile source(file.display_path, prepare_text(std::move(*bytes)));
  result.role =
      sqla::classify_role(
          sqla::role_path(pass.context.audit_roots, file.display_path),
          file.kind == FileKind::kPython ? source.text() : "")
          .role;
  if (file.kind == FileKind::kIni) {
    if (pass.depth != Depth::kParse) {
      result.ini = sqla::read_ini(source);
      result.ini->role = result.role;
      result.directives = scan_ini_directives(source);
    }
    return result;
  }
  if (file.kind == FileKind::kDeployment) {
    if (pass.depth != Depth::kParse) result.deployment = sqla::read_deployment_file(source, result.diagnostics);
    return result;
  }
  if (pass.modules) {
    const Scan scan = scan_python(source.text(), file.module_name, file.is_package);
    result.has_with = scan.has_with;
    result.has_yield = scan.has_yield;
    for (const std::string& name : scan.imports) {
      for (size_t i : pass.modules->files_for(name)) result.reaches.push_back(static_cast<uint32_t>(i));
    }
    if (pass.depth == Depth::kFilter && !scan.relevant && !relevant_path(file.display_path)) {
      // Not parsed, so no findings here; its suppression comments still count (PA004, PA005). A
      // `#` with no quote before it on its line starts a comment: good enough without a tree.
      const std::string_view text = source.text();
      result.directives = scan_directives(source, [text](uint32_t offset) {
        const size_t newline = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
        const size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
        const std::string_view before = text.substr(line_start, offset - line_start);
        return before.find_first_of("'\"") == std::string_view::npos;
      });
      return result;
    }
  }
  result.analyzed = true;
  ts::Tree tree = parser.parse(source.text());
  if (!tree) {
    result.diagnostics.push_back(unreadable_diagnostic(file.display_path, "the parser gave up; skipped"));
    result.skipped = true;
    return result;
  }
  const ts::Node root = tree.root();
  if (root.has_error()) result.diagnostics.push_back(syntax_diagnostic(source, first_syntax_error(root)));
  if (pass.depth == Depth::kParse) return result;
  result.directives = scan_python_directives(source, root);
  result.python = sqla::analyze_python(source, root, file.module_name, file.is_package, pass.context,
                                       with_wrappers ? pass.wrappers : nullptr);
  result.role = result.python->role;
  return result;  // the tree is freed here: memory does not grow with the project
}

/// Runs `work(index, parser)` for each of `items` on `jobs` threads, one parser per thread.
template <typename Work>
void parallel(const std::vector<size_t>& items, unsigned jobs, Work&& work) {
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(items.size(), 1)));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    ts::Parser parser;
    parser.set_language(py::Grammar::get().language());
    for (size_t k = next++; k < items.size(); k = next++) work(items[k], parser);
  };
  if (jobs <= 1) {
    worker();
    return;
  }
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
}

/// With the pre-filter: analyses the modules that analysed files import (settings and config
/// modules whose values the resolver follows), transitively, and the files whose `with` may enter
/// a generator of another module (PA207). Bounded like the resolver's own chains.
void reach_imports(const std::vector<InputFile>& inputs, std::vector<FileResult>& results, const Pass& pass,
                   unsigned jobs) {
  constexpr int kMaxLevels = 16;
  const size_t n = results.size();
  auto waiting = [&](size_t i) { return inputs[i].kind == FileKind::kPython && !results[i].analyzed && !results[i].skipped; };
  std::vector<bool> expanded(n, false);
  std::vector<bool> queued(n, false);
  std::vector<size_t> todo;
  for (size_t i = 0; i < n; ++i) {
    if (!waiting(i) || !results[i].has_with) continue;
    const auto& r = results[i].reaches;
    if (std::any_of(r.begin(), r.end(), [&](uint32_t j) { return j != i && results[j].has_yield; })) {
      todo.push_back(i);
      queued[i] = true;
    }
  }
  for (int level = 0; level < kMaxLevels; ++level) {
    for (size_t i = 0; i < n; ++i) {
      if (!results[i].analyzed || expanded[i]) continue;
      expanded[i] = true;
      for (uint32_t j : results[i].reaches) {
        if (waiting(j) && !queued[j]) {
          queued[j] = true;
          todo.push_back(j);
        }
      }
    }
    if (todo.empty()) return;
    std::sort(todo.begin(), todo.end());
    Pass analyze = pass;
    analyze.depth = Depth::kAnalyze;
    parallel(todo, jobs, [&](size_t i, ts::Parser& parser) { results[i] = *process(inputs[i], parser, analyze); });
    todo.clear();
  }
}

/// Second pass: a file that calls a project wrapper of another module (`make_engine(url, **kw)`
/// defined in app/db.py) is analysed again with the wrappers known, so the engine is checked at
/// each call site. Only files that name a wrapper are analysed again (or for the first time, when
/// the pre-filter skipped them). Returns the wrappers.
std::vector<sqla::Wrapper> reanalyze_wrapper_callers(const std::vector<InputFile>& inputs, std::vector<FileResult>& results,
                                                     const Pass& pass, unsigned jobs) {
  std::vector<sqla::Wrapper> wrappers;
  {
    // find_wrappers reads ProjectFacts: lend it the facts and take them back.
    sqla::ProjectFacts lent;
    std::vector<size_t> owners;
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].python) continue;
      lent.files.push_back(std::move(*results[i].python));
      owners.push_back(i);
    }
    wrappers = sqla::find_wrappers(lent);
    for (size_t k = 0; k < owners.size(); ++k) results[owners[k]].python = std::move(lent.files[k]);
  }
  if (wrappers.empty()) return wrappers;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < results.size(); ++i) {
    if (inputs[i].kind == FileKind::kPython && !results[i].skipped) candidates.push_back(i);
  }
  Pass again = pass;
  again.depth = Depth::kAnalyze;
  again.wrappers = &wrappers;
  again.only_wrapper_callers = true;
  parallel(candidates, jobs, [&](size_t i, ts::Parser& parser) {
    std::optional<FileResult> r = process(inputs[i], parser, again);
    if (r && r->python) results[i] = std::move(*r);
  });
  return wrappers;
}

/// The audited directories as displayed (a file's directory when a file was named): deployment
/// evidence found in Python code covers everything below its root.
std::vector<std::string> audit_roots(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    const std::string shown = display_path(path);
    if (fs::is_directory(path, ec)) {
      out.push_back(shown == "." ? std::string() : shown);
    } else {
      out.push_back(core::dirname(shown));
    }
  }
  return out;
}

/// Same finding from several branch configurations: keep one, without branch notes.
void dedupe(std::vector<core::Finding>& findings) {
  std::vector<core::Finding> out;
  for (core::Finding& f : findings) {
    auto same = std::find_if(out.begin(), out.end(), [&](const core::Finding& o) {
      return o.code == f.code && o.where == f.where && o.message == f.message;
    });
    if (same == out.end()) {
      out.push_back(std::move(f));
      continue;
    }
    std::erase_if(same->notes, [](const core::Note& n) { return n.message.rfind("configuration when ", 0) == 0; });
  }
  findings = std::move(out);
}

void mask(core::Finding& f) {
  f.message = core::mask_credentials(f.message);
  f.fix = core::mask_credentials(f.fix);
  for (core::Note& n : f.notes) n.message = core::mask_credentials(n.message);
}

/// The role of each analysed file, by path; other files (deployment files) are
/// classified by path.
class RoleIndex {
public:
  explicit RoleIndex(const sqla::ProjectFacts &facts)
      : roots_(facts.context.audit_roots) {
    for (const sqla::FileFacts &f : facts.files)
      roles_.emplace(f.path, f.role);
    for (const sqla::IniFile &i : facts.ini_files)
      roles_.emplace(i.path, i.role);
  }
  core::FileRole operator()(const std::string &path) const {
    auto it = roles_.find(path);
    return it != roles_.end()
               ? it->second
               : sqla::classify_role(sqla::role_path(roots_, path), {}).role;
  }

private:
  const std::vector<std::string> &roots_;
  std::unordered_map<std::string, core::FileRole> roles_;
};

std::vector<core::Finding> run_rules(const sqla::ProjectFacts& facts, const std::vector<const rules::Rule*>& selected) {
  std::vector<core::Finding> all;
  const RoleIndex role_of(facts);
  for (const rules::Rule* rule : selected) {
    std::vector<core::Finding> found;
    core::Sink sink(rule->info, found);
    rule->check(facts, sink);
    // A rule reports only in the file roles it declares (the file its finding
    // is anchored in).
    if (rule->info.roles != core::kAllRoles) {
      std::erase_if(found, [&](const core::Finding &f) {
        return !core::applies_to(rule->info.roles, role_of(f.where.path));
      });
    }
    dedupe(found);
    for (core::Finding& f : found) {
      mask(f);
      all.push_back(std::move(f));
    }
  }
  std::sort(all.begin(), all.end(), core::finding_less);
  return all;
}

bool matches(const rules::Rule& rule, const std::string& selector) {
  if (selector == "ALL") return true;
  return std::string_view(rule.info.code).rfind(selector, 0) == 0 || rule.info.name == selector;
}

}  // namespace

std::optional<std::vector<const rules::Rule*>> select_rules(const std::vector<std::string>& select,
                                                           const std::vector<std::string>& ignore,
                                                           std::string& error) {
  const auto all = rules::all_rules();
  for (const auto* list : {&select, &ignore}) {
    for (const std::string& s : *list) {
      if (std::none_of(all.begin(), all.end(), [&](const rules::Rule* r) { return matches(*r, s); })) {
        error = "unknown rule id or prefix: " + s + " (see --list-rules)";
        return std::nullopt;
      }
    }
  }
  std::vector<const rules::Rule*> out;
  for (const rules::Rule* r : all) {
    const bool chosen = select.empty() ? r->info.default_on
                                       : std::any_of(select.begin(), select.end(), [&](const std::string& s) { return matches(*r, s); });
    const bool dropped = std::any_of(ignore.begin(), ignore.end(), [&](const std::string& s) { return matches(*r, s); });
    if (chosen && !dropped) out.push_back(r);
  }
  return out;
}

namespace {

/// The file phase: every file read; Python files parsed and analysed (with the pre-filter, those
/// that can hold facts and what they import); then project wrappers at their call sites.
std::vector<FileResult> file_phase(const std::vector<InputFile>& files, const sqla::ProjectContext& context,
                                   uint64_t max_size, bool parse_only, bool prefilter, unsigned jobs) {
  const size_t n = files.size();
  std::vector<FileResult> results(n);
  ModuleIndex modules;
  if (prefilter) {
    for (size_t i = 0; i < n; ++i) {
      if (files[i].kind == FileKind::kPython) modules.add(files[i].module_name, i);
    }
  }
  Pass pass{context, max_size};
  pass.depth = parse_only ? Depth::kParse : prefilter ? Depth::kFilter : Depth::kAnalyze;
  if (prefilter && !parse_only) pass.modules = &modules;
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  parallel(all, jobs, [&](size_t i, ts::Parser& parser) { results[i] = *process(files[i], parser, pass); });
  if (parse_only) return results;
  if (pass.modules) reach_imports(files, results, pass, jobs);
  const std::vector<sqla::Wrapper> wrappers = reanalyze_wrapper_callers(files, results, pass, jobs);
  if (pass.modules && !wrappers.empty()) {
    // Files analysed for the first time by the wrapper pass import modules too.
    pass.wrappers = &wrappers;
    reach_imports(files, results, pass, jobs);
  }
  return results;
}

/// Moves the facts of `results` into `facts`, in walk order; deployment files are merged into the
/// project's deployment facts, evidence in code covering what is below `roots`.
void collect_facts(const std::vector<InputFile>& files, std::vector<FileResult>& results, sqla::ProjectFacts& facts,
                   const std::vector<std::string>& roots) {
  std::vector<sqla::DeploymentFacts> deployment_files;
  for (size_t i = 0; i < results.size(); ++i) {
    FileResult& r = results[i];
    if (r.python) facts.files.push_back(std::move(*r.python));
    if (r.ini) facts.ini_files.push_back(std::move(*r.ini));
    if (r.deployment) deployment_files.push_back(std::move(*r.deployment));
    if (files[i].kind == FileKind::kPython && !r.analyzed && !r.skipped && !files[i].module_name.empty()) {
      facts.other_modules.push_back(files[i].module_name);
    }
  }
  sqla::merge_deployment(facts, std::move(deployment_files), roots);
}

/// The configuration's `roles` globs re-assign a file's role (and the facts
/// that follow from it).
void apply_role_override(const Settings &settings, const std::string &path,
                         FileResult &r) {
  const std::optional<core::FileRole> role = configured_role(settings, path);
  if (!role)
    return;
  r.role = *role;
  if (r.ini)
    r.ini->role = *role;
  if (r.python) {
    sqla::set_role(*r.python, *role,
                   "configured in " + (settings.file.empty()
                                           ? std::string("the configuration")
                                           : settings.file));
    r.python->is_script = *role == core::FileRole::kScript;
  }
}

}  // namespace

std::optional<core::Report> analyze(const Options& options, const std::vector<const rules::Rule*>& selected,
                                    std::string& error, const Settings* settings) {
  const py::Grammar& grammar = py::Grammar::get();
  if (!grammar.missing().empty()) {
    error = "internal error: the Python grammar lacks " + grammar.missing().front();
    return std::nullopt;
  }
  Inputs inputs = collect_inputs(options);
  const std::vector<std::string>& paths = inputs.paths;
  WalkResult& walked = inputs.walked;
  if (!walked.error.empty()) {
    error = walked.error;
    return std::nullopt;
  }
  // The project around the first path: its dependency files say which versions it targets.
  const std::string project_root = sqla::find_project_root(paths[0]);
  sqla::ProjectContext context = sqla::read_project_context(project_root, walked.diagnostics);
  const Settings no_settings;
  if (!settings) settings = &no_settings;
  apply_settings(*settings, context);
  context.audit_roots = audit_roots(
      inputs.named.empty() ? paths : std::vector<std::string>{project_root});
  const unsigned jobs =
      options.jobs > 0 ? static_cast<unsigned>(options.jobs) : std::max(1u, std::thread::hardware_concurrency());
  std::vector<FileResult> results = file_phase(walked.files, context, options.max_file_size, options.parse_only,
                                               options.prefilter, jobs);
  sqla::ProjectFacts facts;
  facts.context = context;
  core::Report report;
  report.root = paths.size() == 1 ? paths[0] : std::to_string(paths.size()) + " paths";
  report.diagnostics = std::move(walked.diagnostics);
  const std::set<std::string>& named = inputs.named;
  DirectiveMap directives;
  for (size_t i = 0; i < results.size(); ++i) {
    FileResult& r = results[i];
    for (core::Finding& d : r.diagnostics) report.diagnostics.push_back(std::move(d));
    directives[walked.files[i].display_path] = std::move(r.directives);
    if (!named.empty() && !named.count(walked.files[i].display_path)) continue;
    apply_role_override(*settings, walked.files[i].display_path, r);
    if (r.skipped) {
      ++report.summary.skipped;
    } else {
      ++report.summary.files;
      ++report.summary.roles[static_cast<size_t>(r.role)];
    }
  }
  // Files named alone are audited inside their project: its deployment evidence covers them.
  collect_facts(walked.files, results, facts, audit_roots(named.empty() ? paths : std::vector<std::string>{project_root}));
  results.clear();
  std::sort(report.diagnostics.begin(), report.diagnostics.end(), core::finding_less);
  sqla::resolve_project(facts);
  report.findings = run_rules(facts, selected);
  if (!options.parse_only) apply_policy(*settings, facts, directives, selected, report);
  if (!named.empty()) {
    // Report on the named files; the rest of the project was context.
    std::set<std::string> project_files;
    for (const InputFile& f : walked.files) project_files.insert(f.display_path);
    auto other = [&](const core::Finding& f) { return !named.count(f.where.path); };
    std::erase_if(report.findings, other);
    std::erase_if(report.diagnostics, [&](const core::Finding& f) { return other(f) && project_files.count(f.where.path); });
    std::erase_if(facts.files, [&](const sqla::FileFacts& f) { return !named.count(f.path); });
    std::erase_if(facts.ini_files, [&](const sqla::IniFile& f) { return !named.count(f.path); });
  }
  build_audit(facts, selected, report);
  return report;
}

std::vector<core::Finding> analyze_source(std::string_view text, std::string_view path) {
  std::vector<core::Finding> out;
  const std::string problem = text_problem(text);
  if (!problem.empty()) {
    out.push_back(unreadable_diagnostic(std::string(path), problem));
    return out;
  }
  core::SourceFile source{std::string(path), prepare_text(std::string(text))};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(source.text());
  if (!tree) return out;
  if (tree.root().has_error()) out.push_back(syntax_diagnostic(source, first_syntax_error(tree.root())));
  sqla::ProjectFacts facts;
  facts.files.push_back(sqla::analyze_python(source, tree.root(), "input", false, facts.context));
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
  sqla::ProjectContext context =
      sqla::read_project_context(project_root, ignored);
  // A file is shown with the role it has in its project (as when it is audited
  // by name).
  std::error_code ec;
  const bool file_in_project =
      !project_root.empty() && !fs::is_directory(paths.front(), ec);
  context.audit_roots = audit_roots(
      file_in_project ? std::vector<std::string>{project_root} : paths);
  std::vector<FileResult> results = file_phase(walked.files, context, 64u << 20, false, false, 1);
  for (const FileResult& r : results) {
    for (const core::Finding& d : r.diagnostics) out << d.where.path << ": " << d.code << " " << d.message << "\n";
  }
  sqla::ProjectFacts facts;
  collect_facts(walked.files, results, facts, audit_roots(paths));
  facts.context = context;
  if (context.sqlalchemy) out << "sqlalchemy " << context.sqlalchemy->str() << " (" << context.sqlalchemy_origin << ")\n";
  if (context.flask_sqlalchemy) {
    out << "flask-sqlalchemy " << context.flask_sqlalchemy->str() << " (" << context.flask_sqlalchemy_origin << ")\n";
  }
  sqla::resolve_project(facts);
  for (const sqla::FileFacts& f : facts.files) sqla::dump(f, out);
  for (const sqla::IniFile& i : facts.ini_files) sqla::dump(i, out);
  sqla::dump(facts.deployment, out);
  return true;
}

}  // namespace app
