#include "app/file_facts.h"

#include "sqla/roles.h"

#include <algorithm>

#include "app/diagnostics.h"
#include "app/read_source.h"
#include "sqla/deployment.h"
#include "sqla/fact_compaction.h"

namespace app {
namespace {

/// True when the file may call a project wrapper defined in another file (a textual check: the
/// second pass re-analyses exactly these files, with or without the pre-filter). A call resolves
/// to the wrapper only through a symbol ending with its qualified name (find_wrapper in
/// facts.cpp), so the file names the wrapper's module: its last component is written in the
/// import (`from app import db`, `from app.db import make_engine`, `import app.db as d`).
bool names_wrapper(std::string_view text, const std::string& path, const std::vector<sqla::Wrapper>& wrappers) {
  return std::any_of(wrappers.begin(), wrappers.end(), [&](const sqla::Wrapper& w) {
    if (w.path == path || text.find(w.name + "(") == std::string_view::npos) return false;
    const std::string_view qualified(w.qualified_name);
    if (qualified.size() <= w.name.size() + 1) return true;  // no module name: no narrowing
    const std::string_view module = qualified.substr(0, qualified.size() - w.name.size() - 1);
    const size_t dot = module.rfind('.');
    return contains_word(text, dot == std::string_view::npos ? module : module.substr(dot + 1));
  });
}

}  // namespace

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

core::Finding budget_diagnostic(const std::string& path, const core::WorkBudget& budget) {
  return unreadable_diagnostic(path, "analysis stopped after " + std::to_string(budget.limit()) +
                                         " steps (the work budget for a file of this size): too complex "
                                         "to audit; its findings are dropped; skipped",
                               "Split the file into smaller modules, or exclude it (--exclude) if it is generated");
}

std::optional<FileResult> process(const InputFile& file, ts::Parser& parser, const Pass& pass) {
  FileResult result;
  FileProblem problem;
  std::optional<std::string> bytes = read_file(file, pass.max_size, problem);
  if (bytes) problem = text_problem(*bytes);
  if (!problem.empty()) {
    if (pass.only_wrapper_callers) return std::nullopt;
    result.diagnostics.push_back(unreadable_diagnostic(file.display_path, problem.message, problem.fix));
    result.skipped = true;
    return result;
  }
  const bool with_wrappers = pass.wrappers && names_wrapper(*bytes, file.display_path, *pass.wrappers);
  if (pass.only_wrapper_callers && !with_wrappers) return std::nullopt;
  core::SourceFile source(file.display_path, prepare_text(std::move(*bytes)));
  result.role = sqla::classify_role(sqla::role_path(pass.context.audit_roots, file.display_path),
                                    file.kind == FileKind::kPython ? source.text() : "")
                    .role;
  if (file.kind == FileKind::kIni) {
    if (pass.depth != Depth::kParse) {
      result.ini = std::make_unique<sqla::IniFile>(sqla::read_ini(source));
      result.ini->role = result.role;
      result.directives = scan_ini_directives(source);
    }
    return result;
  }
  if (file.kind == FileKind::kDeployment) {
    if (pass.depth != Depth::kParse) {
      result.deployment = std::make_unique<sqla::DeploymentFacts>(sqla::read_deployment_file(source, result.diagnostics));
    }
    return result;
  }
  if (pass.modules) {
    const Scan scan = scan_python(source.text(), file.module_name, file.is_package);
    result.has_with = scan.has_with;
    result.has_yield = scan.has_yield;
    for (const std::string& name : scan.imports) {
      for (size_t i : pass.modules->files_for(name)) result.reaches.push_back(static_cast<uint32_t>(i));
    }
    // The scan names the imports of relevant files only; the others may still import a dict.
    const bool scanned = scan.relevant || scan.has_with;
    result.imports = result.reaches;
    if (!scanned) {
      for (const std::string& name : imported_names(source.text(), file.module_name, file.is_package)) {
        for (size_t i : pass.modules->files_for(name)) result.imports.push_back(static_cast<uint32_t>(i));
      }
    }
    result.imports_known = true;
    const bool relevant = scan.relevant || relevant_path(file.display_path);
    if (pass.depth == Depth::kFilter && !relevant && scan.local_generator) result.generator_only = true;
    if (pass.depth == Depth::kFilter && !relevant && !scan.local_generator) {
      // Not parsed, so no findings here; its suppression comments still count (PA004, PA005). A
      // `#` with no quote before it on its line starts a comment: good enough without a tree.
      const std::string_view text = source.text();
      result.directives = scan_directives(source, [text, &source](uint32_t offset) {
        const uint32_t line_start = source.line_start(offset);
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
  core::WorkBudget budget(core::WorkBudget::for_file(source.text().size()));
  {
    const core::BudgetScope scope(budget);
    result.python = std::make_unique<sqla::FileFacts>(sqla::analyze_python(
        source, root, file.module_name, file.is_package, pass.context, with_wrappers ? pass.wrappers : nullptr));
  }
  result.python->module_aliases = file.module_aliases;
  // Held until the project phase, with every other analysed file's: no slack kept.
  sqla::compact(*result.python);
  result.role = result.python->role;
  if (budget.exhausted()) {
    result.python.reset();
    result.diagnostics.push_back(budget_diagnostic(file.display_path, budget));
    result.skipped = true;
  }
  return result;  // the tree is freed here: memory does not grow with the project
}

}  // namespace app
