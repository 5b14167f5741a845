#include "app/analyze.h"

#include <algorithm>
#include <map>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/audit_report.h"
#include "app/diagnostics.h"
#include "app/walk.h"
#include "core/mask.h"
#include "py/grammar.h"
#include "sqla/deployment.h"
#include "sqla/dump.h"
#include "sqla/project_context.h"
#include "ts/tree.h"

namespace app {
namespace fs = std::filesystem;
namespace {

struct FileResult {
  std::optional<sqla::FileFacts> python;
  std::optional<sqla::IniFile> ini;
  std::optional<sqla::DeploymentFacts> deployment;
  std::vector<core::Finding> diagnostics;
  bool skipped = false;
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

FileResult process(const InputFile& file, ts::Parser& parser, const sqla::ProjectContext& context,
                   uint64_t max_size, bool parse_only = false,
                   const std::vector<sqla::Wrapper>* wrappers = nullptr) {
  FileResult result;
  std::string problem;
  std::optional<std::string> bytes = read_file(file, max_size, problem);
  if (bytes) problem = text_problem(*bytes);
  if (!problem.empty()) {
    result.diagnostics.push_back(unreadable_diagnostic(file.display_path, problem));
    result.skipped = true;
    return result;
  }
  core::SourceFile source(file.display_path, prepare_text(std::move(*bytes)));
  if (file.kind == FileKind::kIni) {
    if (!parse_only) result.ini = sqla::read_ini(source);
    return result;
  }
  if (file.kind == FileKind::kDeployment) {
    if (!parse_only) result.deployment = sqla::read_deployment_file(source, result.diagnostics);
    return result;
  }
  ts::Tree tree = parser.parse(source.text());
  if (!tree) {
    result.diagnostics.push_back(unreadable_diagnostic(file.display_path, "the parser gave up; skipped"));
    result.skipped = true;
    return result;
  }
  const ts::Node root = tree.root();
  if (root.has_error()) result.diagnostics.push_back(syntax_diagnostic(source, first_syntax_error(root)));
  if (parse_only) return result;
  result.python = sqla::analyze_python(source, root, file.module_name, file.is_package, context, wrappers);
  return result;  // the tree is freed here: memory does not grow with the project
}

/// Second pass: a file that calls a project wrapper of another module (`make_engine(url, **kw)`
/// defined in app/db.py) is analysed again with the wrappers known, so the engine is checked at
/// each call site. Only files that name a wrapper are read again.
void reanalyze_wrapper_callers(const std::vector<InputFile>& inputs, sqla::ProjectFacts& facts, uint64_t max_size) {
  const std::vector<sqla::Wrapper> wrappers = sqla::find_wrappers(facts);
  if (wrappers.empty()) return;
  std::map<std::string, const InputFile*> by_path;
  for (const InputFile& f : inputs) by_path.emplace(f.display_path, &f);
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  for (sqla::FileFacts& f : facts.files) {
    auto it = by_path.find(f.path);
    if (it == by_path.end()) continue;
    std::string problem;
    const std::optional<std::string> text = read_file(*it->second, max_size, problem);
    if (!text) continue;
    const bool calls_one = std::any_of(wrappers.begin(), wrappers.end(), [&](const sqla::Wrapper& w) {
      return w.path != f.path && text->find(w.name + "(") != std::string::npos;
    });
    if (!calls_one) continue;
    FileResult again = process(*it->second, parser, facts.context, max_size, false, &wrappers);
    if (again.python) f = std::move(*again.python);
  }
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
      const size_t slash = shown.rfind('/');
      out.push_back(slash == std::string::npos ? std::string() : shown.substr(0, slash));
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

std::vector<core::Finding> run_rules(const sqla::ProjectFacts& facts, const std::vector<const rules::Rule*>& selected) {
  std::vector<core::Finding> all;
  for (const rules::Rule* rule : selected) {
    std::vector<core::Finding> found;
    core::Sink sink(rule->info, found);
    rule->check(facts, sink);
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

std::optional<core::Report> analyze(const Options& options, const std::vector<const rules::Rule*>& selected,
                                    std::string& error) {
  const py::Grammar& grammar = py::Grammar::get();
  if (!grammar.missing().empty()) {
    error = "internal error: the Python grammar lacks " + grammar.missing().front();
    return std::nullopt;
  }
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(".");
  WalkResult walked = walk(paths, options.exclude);
  if (!walked.error.empty()) {
    error = walked.error;
    return std::nullopt;
  }
  // The project around the first path: its dependency files say which versions it targets.
  const sqla::ProjectContext context = sqla::read_project_context(sqla::find_project_root(paths[0]), walked.diagnostics);
  const size_t n = walked.files.size();
  std::vector<FileResult> results(n);
  unsigned jobs = options.jobs > 0 ? static_cast<unsigned>(options.jobs) : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(n, 1)));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    ts::Parser parser;
    parser.set_language(grammar.language());
    for (size_t i = next++; i < n; i = next++) {
      results[i] = process(walked.files[i], parser, context, options.max_file_size, options.parse_only);
    }
  };
  if (jobs <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  sqla::ProjectFacts facts;
  facts.context = context;
  core::Report report;
  report.root = paths.size() == 1 ? paths[0] : std::to_string(paths.size()) + " paths";
  report.diagnostics = std::move(walked.diagnostics);
  std::vector<sqla::DeploymentFacts> deployment_files;
  for (FileResult& r : results) {
    for (core::Finding& d : r.diagnostics) report.diagnostics.push_back(std::move(d));
    if (r.skipped) ++report.summary.skipped;
    else ++report.summary.files;
    if (r.python) facts.files.push_back(std::move(*r.python));
    if (r.ini) facts.ini_files.push_back(std::move(*r.ini));
    if (r.deployment) deployment_files.push_back(std::move(*r.deployment));
  }
  std::sort(report.diagnostics.begin(), report.diagnostics.end(), core::finding_less);
  if (!options.parse_only) reanalyze_wrapper_callers(walked.files, facts, options.max_file_size);
  sqla::merge_deployment(facts, std::move(deployment_files), audit_roots(paths));
  sqla::resolve_project(facts);
  report.findings = run_rules(facts, selected);
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
  const sqla::ProjectContext context = sqla::read_project_context(sqla::find_project_root(paths.front()), ignored);
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  sqla::ProjectFacts facts;
  std::vector<sqla::DeploymentFacts> deployment_files;
  for (const InputFile& file : walked.files) {
    FileResult r = process(file, parser, context, 64u << 20);
    for (const core::Finding& d : r.diagnostics) out << d.where.path << ": " << d.code << " " << d.message << "\n";
    if (r.python) facts.files.push_back(std::move(*r.python));
    if (r.ini) facts.ini_files.push_back(std::move(*r.ini));
    if (r.deployment) deployment_files.push_back(std::move(*r.deployment));
  }
  facts.context = context;
  reanalyze_wrapper_callers(walked.files, facts, 64u << 20);
  sqla::merge_deployment(facts, std::move(deployment_files), audit_roots(paths));
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
