#include "app/file_phase.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "app/facts_cache.h"
#include "app/read_source.h"
#include "py/grammar.h"
#include "sqla/fact_compaction.h"

namespace app {
namespace {

/// Runs `work(index, parser)` for each of `items` on `jobs` threads, one parser per thread.
template <typename Work>
void parallel(const std::vector<size_t>& items, unsigned jobs, Work&& work) {
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(items.size(), 1)));
  std::atomic<size_t> next{0};
  // An exception escaping a thread would call std::terminate: the first one stops the work and is
  // rethrown here, on the calling thread, where main() turns it into a message and exit 2.
  std::mutex failed_mutex;
  std::exception_ptr failed;
  auto worker = [&] {
    try {
      ts::Parser parser;
      parser.set_language(py::Grammar::get().language());
      for (size_t k = next++; k < items.size(); k = next++) work(items[k], parser);
    } catch (...) {
      next = items.size();
      const std::lock_guard<std::mutex> lock(failed_mutex);
      if (!failed) failed = std::current_exception();
    }
  };
  if (jobs <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  if (failed) std::rethrow_exception(failed);
}

/// Which files some file of the project imports (`imported[i]`), from every file's scan; empty
/// without the pre-filter (imports unknown).
std::vector<bool> imported_files(const std::vector<FileResult>& results) {
  std::vector<bool> imported(results.size(), false);
  for (const FileResult& r : results) {
    if (!r.imports_known) continue;  // not Python, or not read: nothing imported
    for (uint32_t j : r.imports) imported[j] = true;
  }
  return imported;
}

/// Gives back what a module no file imports cannot need of its exports, right after its analysis:
/// the facts of every analysed file are held until the project phase (the peak of a run).
void trim_exports(FileResult& result, size_t index, const std::vector<bool>& imported) {
  if (result.python && !imported.empty() && !imported[index]) sqla::drop_unimported_exports(*result.python);
}

/// Reads a file the pre-filter needs the words of again; nullopt when it cannot be read (then it is
/// taken as a match: process() reports why).
std::optional<std::string> reread(const InputFile& file, const Pass& pass) {
  FileProblem problem;
  std::optional<std::string> bytes = read_file(file, pass.max_size, problem);
  if (bytes && !text_problem(*bytes).empty()) bytes.reset();
  return bytes;
}

/// PA207's pairs: each file with a `with` that may enter an undecorated generator of a module it
/// imports, and those modules. resolve_sessions.cpp reports `with f()` when the symbol of `f` ends
/// with the name of a module-level plain generator of its home module (a method or a nested
/// function of another module is never one): `f`'s name is written in the `with` file
/// (`with gens.scope()`, `from app.gens import scope`), so a `with` file that writes none of the
/// generator names of the modules it reaches cannot enter one of them. The names are read from
/// the texts here (the scan keeps only `has_yield`), for the few files that still pair.
std::vector<std::pair<uint32_t, std::vector<uint32_t>>> entered_generators(const std::vector<InputFile>& inputs,
                                                                           const std::vector<FileResult>& results,
                                                                           const Pass& pass, unsigned jobs) {
  const size_t n = results.size();
  std::vector<size_t> with_files;
  std::vector<bool> generator_file(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (inputs[i].kind != FileKind::kPython || results[i].skipped || !results[i].has_with) continue;
    bool pairs = false;
    for (uint32_t j : results[i].reaches) {
      if (j == i || !results[j].has_yield) continue;
      pairs = true;
      generator_file[j] = true;
    }
    if (pairs) with_files.push_back(i);
  }
  std::vector<size_t> generator_files;
  for (size_t j = 0; j < n; ++j) {
    if (generator_file[j]) generator_files.push_back(j);
  }
  std::vector<std::vector<std::string>> names(n);
  std::vector<bool> unreadable(n, false);
  parallel(generator_files, jobs, [&](size_t j, ts::Parser&) {
    const std::optional<std::string> text = reread(inputs[j], pass);
    if (text) names[j] = plain_generator_names(*text, true);
    else unreadable[j] = true;
  });
  std::vector<std::vector<uint32_t>> entered(n);
  parallel(with_files, jobs, [&](size_t i, ts::Parser&) {
    const std::optional<std::string> text = reread(inputs[i], pass);
    for (uint32_t j : results[i].reaches) {
      if (j == i || !generator_file[j]) continue;
      const bool writes = !text || unreadable[j] || std::any_of(names[j].begin(), names[j].end(), [&](const std::string& g) {
                            return contains_word(*text, g);
                          });
      if (writes) entered[i].push_back(j);
    }
  });
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> out;
  for (size_t i : with_files) {
    if (!entered[i].empty()) out.emplace_back(static_cast<uint32_t>(i), std::move(entered[i]));
  }
  return out;
}

/// With the pre-filter, two reasons to analyse a file the scan skipped:
/// - PA207: a `with` may enter a generator of a module it imports (entered_generators()). The
///   `with` file and those modules are analysed; nothing else is needed, because
///   resolve_sessions.cpp reads only the generator's own module (ModuleTable::home_of).
/// - Facts: the modules that files able to hold facts import (settings and config modules whose
///   values the resolver follows), transitively, bounded like the resolver's own chains. A file
///   analysed for PA207 only is no reason to follow imports: most files of a large tree have a
///   `with` and import a module with a `yield`, and their imports reach the whole tree.
void reach_imports(const std::vector<InputFile>& inputs, std::vector<FileResult>& results, const Pass& pass,
                   const std::vector<bool>& imported, unsigned jobs) {
  constexpr int kMaxLevels = 16;
  const size_t n = results.size();
  auto waiting = [&](size_t i) { return inputs[i].kind == FileKind::kPython && !results[i].analyzed && !results[i].skipped; };
  std::vector<bool> queued(n, false);
  std::vector<size_t> todo;
  auto queue = [&](size_t i) {
    if (waiting(i) && !queued[i]) {
      queued[i] = true;
      todo.push_back(i);
    }
  };
  auto analyze_todo = [&](bool generator_only) {
    std::sort(todo.begin(), todo.end());
    Pass analyze = pass;
    analyze.depth = Depth::kAnalyze;
    parallel(todo, jobs, [&](size_t i, ts::Parser& parser) {
      results[i] = *process(inputs[i], parser, analyze);
      trim_exports(results[i], i, imported);
      results[i].generator_only = generator_only;
    });
    todo.clear();
  };
  for (const auto& [with_file, generator_files] : entered_generators(inputs, results, pass, jobs)) {
    queue(with_file);
    for (uint32_t j : generator_files) queue(j);
  }
  if (!todo.empty()) analyze_todo(true);
  std::vector<bool> expanded(n, false);
  for (int level = 0; level < kMaxLevels; ++level) {
    bool promoted = false;
    for (size_t i = 0; i < n; ++i) {
      if (!results[i].analyzed || results[i].generator_only || expanded[i]) continue;
      expanded[i] = true;
      for (uint32_t j : results[i].reaches) {
        queue(j);
        // Analysed for PA207, now reached by facts: its imports are followed from here on.
        if (results[j].generator_only) {
          results[j].generator_only = false;
          promoted = true;
        }
      }
    }
    if (todo.empty() && !promoted) return;
    if (!todo.empty()) analyze_todo(false);
  }
}

/// Second pass: a file that calls a project wrapper of another module (`make_engine(url, **kw)`
/// defined in app/db.py) is analysed again with the wrappers known, so the engine is checked at
/// each call site. Only files that name a wrapper are analysed again (or for the first time, when
/// the pre-filter skipped them). Returns the wrappers.
std::vector<sqla::Wrapper> reanalyze_wrapper_callers(const std::vector<InputFile>& inputs, std::vector<FileResult>& results,
                                                     const Pass& pass, const std::vector<bool>& imported, unsigned jobs) {
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
    for (size_t k = 0; k < owners.size(); ++k) *results[owners[k]].python = std::move(lent.files[k]);
  }
  if (wrappers.empty()) return wrappers;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < results.size(); ++i) {
    if (inputs[i].kind == FileKind::kPython && !results[i].skipped) candidates.push_back(i);
  }
  Pass again = pass;
  again.depth = Depth::kAnalyze;
  again.wrappers = &wrappers;
  again.wrappers_key = wrappers_key(wrappers);
  again.only_wrapper_callers = true;
  parallel(candidates, jobs, [&](size_t i, ts::Parser& parser) {
    std::optional<FileResult> r = process(inputs[i], parser, again);
    if (r && r->python) {
      results[i] = std::move(*r);
      trim_exports(results[i], i, imported);
    }
  });
  return wrappers;
}

}  // namespace

/// The file phase: every file read; Python files parsed and analysed (with the pre-filter, those
/// that can hold facts and what they import); then project wrappers at their call sites.
std::vector<FileResult> file_phase(const std::vector<InputFile>& files, const sqla::ProjectContext& context,
                                   uint64_t max_size, bool parse_only, bool prefilter, unsigned jobs,
                                   const FactsCache* cache) {
  const size_t n = files.size();
  std::vector<FileResult> results(n);
  ModuleIndex modules;
  if (prefilter) {
    for (size_t i = 0; i < n; ++i) {
      if (files[i].kind != FileKind::kPython) continue;
      modules.add(files[i].module_name, i);
      for (const std::string& alias : files[i].module_aliases) modules.add(alias, i);
    }
  }
  Pass pass{context, max_size};
  pass.cache = cache;
  pass.depth = parse_only ? Depth::kParse : prefilter ? Depth::kFilter : Depth::kAnalyze;
  if (prefilter && !parse_only) pass.modules = &modules;
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  // With the pre-filter, every file is scanned before any is analysed (only analyses the cache
  // holds are taken at once): a module that no file imports then keeps less of its exports from
  // its analysis on, and the facts held at the end of the file phase are smaller.
  Pass first = pass;
  first.defer_analysis = pass.modules != nullptr;
  parallel(all, jobs, [&](size_t i, ts::Parser& parser) { results[i] = *process(files[i], parser, first); });
  if (parse_only) return results;
  std::vector<bool> imported;
  if (pass.modules) {
    imported = imported_files(results);
    std::vector<size_t> deferred;
    for (size_t i = 0; i < n; ++i) {
      if (results[i].deferred) deferred.push_back(i);
      trim_exports(results[i], i, imported);
    }
    parallel(deferred, jobs, [&](size_t i, ts::Parser& parser) {
      results[i] = *process(files[i], parser, pass);
      trim_exports(results[i], i, imported);
    });
    reach_imports(files, results, pass, imported, jobs);
  }
  const std::vector<sqla::Wrapper> wrappers = reanalyze_wrapper_callers(files, results, pass, imported, jobs);
  if (pass.modules && !wrappers.empty()) {
    // Files analysed for the first time by the wrapper pass import modules too.
    pass.wrappers = &wrappers;
    pass.wrappers_key = wrappers_key(wrappers);
    reach_imports(files, results, pass, imported, jobs);
  }
  if (cache) cache->drop_parked();
  return results;
}

}  // namespace app
