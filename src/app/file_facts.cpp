#include "app/file_facts.h"

#include "sqla/roles.h"

#include <algorithm>

#include "app/diagnostics.h"
#include "app/read_source.h"
#include "app/facts_cache.h"
#include "app/facts_cache_format.h"
// Header-only (XXH_INLINE_ALL): no libxxhash for the dynamic loader to map at start-up.
#define XXH_INLINE_ALL
#include <xxhash.h>
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

namespace {

/// Parses `source`; a parse that gives up marks the file skipped, a tree with an error adds PA002.
ts::Tree parse_reporting(const core::SourceFile& source, ts::Parser& parser, std::vector<core::Finding>& diagnostics,
                         bool& skipped) {
  ts::Tree tree = parser.parse(source.text());
  if (!tree) {
    diagnostics.push_back(unreadable_diagnostic(std::string(source.path()), "the parser gave up; skipped"));
    skipped = true;
  } else if (tree.root().has_error()) {
    diagnostics.push_back(syntax_diagnostic(source, first_syntax_error(tree.root())));
  }
  return tree;
}

/// The parse and analysis of one Python file (with the wrappers when it names one).
CachedAnalysis analyze_file(const core::SourceFile& source, ts::Parser& parser, const InputFile& file,
                            const Pass& pass, bool with_wrappers, core::FileRole role) {
  CachedAnalysis analysis;
  analysis.role = role;
  ts::Tree tree = parse_reporting(source, parser, analysis.diagnostics, analysis.skipped);
  if (!tree) return analysis;
  const ts::Node root = tree.root();
  analysis.directives = scan_python_directives(source, root);
  core::WorkBudget budget(core::WorkBudget::for_file(source.text().size()));
  std::optional<sqla::FileFacts> facts;
  {
    const core::BudgetScope scope(budget);
    facts = sqla::analyze_python(source, root, file.module_name, file.is_package, pass.context,
                                 with_wrappers ? pass.wrappers : nullptr);
  }
  analysis.role = facts->role;
  if (budget.exhausted()) {
    analysis.diagnostics.push_back(budget_diagnostic(file.display_path, budget));
    analysis.skipped = true;
  } else {
    // Held until the project phase, with every other analysed file's (and stored so): no slack kept.
    sqla::compact(*facts);
    analysis.python = std::move(facts);
  }
  return analysis;  // the tree is freed here: memory does not grow with the project
}

/// The pre-filter's scan, imports as module names.
CachedScan scan_file(const core::SourceFile& source, const InputFile& file) {
  const Scan scan = scan_python(source.text(), file.module_name, file.is_package);
  CachedScan out;
  out.relevant = scan.relevant || relevant_path(file.display_path);
  out.has_with = scan.has_with;
  out.has_yield = scan.has_yield;
  out.local_generator = scan.local_generator;
  out.reach_names = scan.imports;
  // The scan names the imports of relevant files only; the others may still import a dict.
  if (!(scan.relevant || scan.has_with)) {
    out.other_names = imported_names(source.text(), file.module_name, file.is_package);
  }
  return out;
}

/// Not parsed, so no findings here; its suppression comments still count (PA004, PA005). A `#`
/// with no quote before it on its line starts a comment: good enough without a tree.
std::vector<Directive> comment_directives(const core::SourceFile& source) {
  const std::string_view text = source.text();
  return scan_directives(source, [text, &source](uint32_t offset) {
    const uint32_t line_start = source.line_start(offset);
    const std::string_view before = text.substr(line_start, offset - line_start);
    return before.find_first_of("'\"") == std::string_view::npos;
  });
}

/// An ini, deployment or parse-only file: read and taken as far as the pass says, never cached.
FileResult process_other(const InputFile& file, ts::Parser& parser, const Pass& pass, std::string bytes) {
  FileResult result;
  core::SourceFile source(file.display_path, prepare_text(std::move(bytes)));
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
  result.analyzed = true;
  parse_reporting(source, parser, result.diagnostics, result.skipped);
  return result;
}

std::vector<uint32_t> files_for(const ModuleIndex& modules, const std::vector<std::string>& names) {
  std::vector<uint32_t> out;
  for (const std::string& name : names) {
    for (size_t i : modules.files_for(name)) out.push_back(static_cast<uint32_t>(i));
  }
  return out;
}

}  // namespace

std::optional<FileResult> process(const InputFile& file, ts::Parser& parser, const Pass& pass) {
  FileProblem problem;
  auto unreadable = [&]() -> std::optional<FileResult> {
    if (pass.only_wrapper_callers) return std::nullopt;
    FileResult result;
    result.diagnostics.push_back(unreadable_diagnostic(file.display_path, problem.message, problem.fix));
    result.skipped = true;
    return result;
  };
  if (file.kind != FileKind::kPython || pass.depth == Depth::kParse) {
    std::optional<std::string> bytes = read_file(file, pass.max_size, problem);
    if (bytes) problem = text_problem(*bytes);
    if (!problem.empty()) return unreadable();
    return process_other(file, parser, pass, std::move(*bytes));
  }
  // A Python file: its pieces (role, scan, analyses) come from its cache entry when that entry
  // describes the file's content, and are computed from the text (and stored) otherwise. Without
  // a cache the same code runs on an entry that starts empty.
  // Text given in memory (stdin, a fix run's edited text) is not the file on disk the cache describes.
  const FactsCache* cache = file.text ? nullptr : pass.cache;
  std::string key;
  FileStamp stamp;
  CacheEntry entry;
  bool described = false;  // `entry` describes some content of this file (its hash)
  bool dirty = false;      // `entry` gained a piece (or a stamp) to store
  if (cache) {
    key = cache->key(file, pass.context);
    // The second pass over a file this run already saw naming none of these wrappers: nothing
    // to do, and no entry to load again (the file was taken as it was at the first pass).
    if (pass.only_wrapper_callers && cache->names_wrapper(key, pass.wrappers_key) == false) return std::nullopt;
    stamp = stamp_file(file.path);  // before reading: a later change shows in the next run's stat
    if (std::optional<CacheEntry> loaded = cache->load(key)) {
      entry = std::move(*loaded);
      described = true;
    }
  }
  std::optional<core::SourceFile> source;
  bool stamped = false;
  bool raced = false;
  // Reads the file once; false when it cannot be audited. An entry of other content is dropped.
  auto read = [&]() -> bool {
    if (source) return true;
    std::optional<std::string> bytes = read_file(file, pass.max_size, problem);
    if (bytes) problem = text_problem(*bytes);
    if (!problem.empty()) return false;
    const uint64_t hash = XXH3_64bits(bytes->data(), bytes->size());
    if (stamped && entry.content_hash != hash) {
      raced = true;  // changed since it was stat'ed: the pieces already taken describe other content
      return false;
    }
    source.emplace(file.display_path, prepare_text(std::move(*bytes)));
    if (!described || entry.content_hash != hash) {
      entry = CacheEntry{};
      entry.content_hash = hash;
      entry.role = sqla::classify_role(sqla::role_path(pass.context.audit_roots, file.display_path),
                                       source->text())
                       .role;
      described = true;
      dirty = true;
    }
    if (cache && stamp.valid() && !stamp_matches(entry, stamp)) {
      set_stamp(entry, stamp);
      dirty = true;
    }
    return true;
  };
  // The stat short-cut: an unchanged stamp (not larger than the size limit) stands for the content.
  stamped = described && stamp_matches(entry, stamp) && stamp.size <= pass.max_size;
  if (!stamped && !read()) return unreadable();
  // A piece missing from a stamped entry reads the file: unreadable now, or changed since the stat
  // (then the whole file is taken again, with a new stat).
  auto failed = [&]() -> std::optional<FileResult> { return raced ? process(file, parser, pass) : unreadable(); };
  auto store = [&] {
    if (!cache) return;
    cache->remember(key, entry);
    if (dirty) cache->store(key, entry);
  };
  bool with_wrappers = false;
  if (pass.wrappers) {
    if (entry.wrappers_key != pass.wrappers_key) {
      if (!read()) return failed();
      entry.wrappers_key = pass.wrappers_key;
      entry.names_wrapper = names_wrapper(source->text(), file.display_path, *pass.wrappers);
      entry.wrapped.reset();
      dirty = true;
    }
    with_wrappers = entry.names_wrapper;
  }
  if (pass.only_wrapper_callers && !with_wrappers) {
    store();
    return std::nullopt;
  }
  FileResult result;
  result.role = entry.role;
  if (pass.modules) {
    if (!entry.scan) {
      if (!read()) return failed();
      entry.scan = scan_file(*source, file);
      dirty = true;
    }
    CachedScan& scan = *entry.scan;
    result.has_with = scan.has_with;
    result.has_yield = scan.has_yield;
    result.reaches = files_for(*pass.modules, scan.reach_names);
    result.imports = result.reaches;
    for (uint32_t i : files_for(*pass.modules, scan.other_names)) result.imports.push_back(i);
    result.imports_known = true;
    if (pass.depth == Depth::kFilter && !scan.relevant && scan.local_generator) result.generator_only = true;
    if (pass.depth == Depth::kFilter && !scan.relevant && !scan.local_generator) {
      if (!scan.comment_directives) {
        if (!read()) return failed();
        scan.comment_directives = comment_directives(*source);
        dirty = true;
      }
      store();
      if (cache && entry.plain) {
        // Analysed by an earlier run, so likely by a later pass of this one (reach_imports):
        // kept with its analysis still encoded, for that pass's load.
        result.directives = *scan.comment_directives;
        cache->park(key, std::move(entry));
        return result;
      }
      result.directives = std::move(*scan.comment_directives);
      return result;
    }
  }
  LazyAnalysis& piece = with_wrappers ? entry.wrapped : entry.plain;
  if (!piece.has_value() && pass.defer_analysis) {
    store();
    // Analysed later this run (Pass::defer_analysis): its entry is kept for that pass's load.
    if (cache) cache->park(key, std::move(entry));
    result.deferred = true;
    return result;
  }
  if (!piece.get()) {  // decoded here: a file that stops at its scan never is
    if (!read()) return failed();
    piece = analyze_file(*source, parser, file, pass, with_wrappers, entry.role);
    dirty = true;
  }
  store();
  std::optional<CachedAnalysis> taken = piece.take();
  result.analyzed = true;
  result.diagnostics = std::move(taken->diagnostics);
  result.directives = std::move(taken->directives);
  result.skipped = taken->skipped;
  result.role = taken->role;
  if (taken->python) {
    result.python = std::make_unique<sqla::FileFacts>(std::move(*taken->python));
    result.python->module_aliases = file.module_aliases;
  }
  // The wrapper pass of this run analyses the file again if it names a wrapper, as it did last
  // run: its entry, both pieces still as read, is kept for that pass's load.
  if (cache && !pass.wrappers && entry.names_wrapper && entry.wrapped && entry.plain) cache->park(key, std::move(entry));
  return result;
}

}  // namespace app
