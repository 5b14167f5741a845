#include "app/fix_run.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "app/analyze.h"
#include "app/diagnostics.h"
#include "app/output_file.h"
#include "app/read_source.h"
#include "app/text_edits.h"

namespace app {
namespace {

/// Rounds of fixing: each applies non-overlapping fixes and audits again. Adjacent deletions in one
/// call take a round each; a file retried one fix at a time takes one per fix (a fixture file with a
/// dozen fixes, one of them rejected, needed more than 12: the second --fix then found the rest).
constexpr int kMaxRounds = 32;

using FindingKey = std::tuple<std::string, std::string, std::string>;  // path, code, scope

/// Unsuppressed findings per (file, rule, scope): line numbers move when text is deleted, so a fix
/// is judged by whether any of these counts grows.
std::map<FindingKey, size_t> finding_counts(const core::Report& report) {
  std::map<FindingKey, size_t> counts;
  for (const core::Finding& f : report.findings) {
    if (!f.suppressed) ++counts[{f.where.path, f.code, f.scope}];
  }
  return counts;
}

bool has_syntax_error(const core::Report& report, const std::string& path) {
  return std::any_of(report.diagnostics.begin(), report.diagnostics.end(), [&](const core::Finding& d) {
    return d.code == kSyntaxError.code && d.where.path == path;
  });
}

/// The UTF-8 BOM the analysed text lacks (read_source.cpp prepare_text).
uint32_t bom_shift(const std::string& bytes) { return bytes.rfind("\xEF\xBB\xBF", 0) == 0 ? 3u : 0u; }

/// A fix named by what it does to the current text, not by offsets: the same fix found again in a
/// later round (offsets moved by other fixes) has the same signature.
std::string signature(const core::Finding& f, const std::string& text) {
  std::string s = f.where.path + "\n" + f.code + "\n" + f.autofix->title;
  const uint32_t shift = bom_shift(text);
  for (const core::Edit& e : f.autofix->edits) {
    const size_t begin = std::min<size_t>(e.span.begin + size_t{shift}, text.size());
    const size_t end = std::min<size_t>(e.span.end + size_t{shift}, text.size());
    s += "\n" + text.substr(begin, end - begin) + "\n->" + e.replacement;
  }
  return s;
}

std::string where(const core::Finding& f) {
  return f.where.path + ":" + std::to_string(f.where.range.begin.line) + ": " + f.code + " fix `" +
         f.autofix->title + "`";
}

}  // namespace

std::optional<FixOutcome> fix_project(const Options& given, SettingsTree& tree,
                                      std::vector<const rules::Rule*>& selected, std::string& error) {
  Options options = given;
  options.exit_after_run = false;  // several analyses in one run: each frees its facts
  std::vector<InputFile> inputs;
  std::optional<core::Report> report = analyze(options, tree, selected, error, nullptr, &inputs);
  if (!report) return std::nullopt;
  FixOutcome outcome;
  std::map<std::string, const InputFile*> by_display;
  for (const InputFile& file : inputs) {
    by_display[file.display_path] = &file;
    if (file.text) outcome.stdin_text = *file.text;
  }
  std::map<std::string, std::string> texts;  // the current text of every file a round changed
  std::map<std::string, FixedFile> files;    // every file a fix was offered for, as read
  std::set<std::string> rejected;            // signatures of fixes that failed alone
  std::set<std::string> one_at_a_time;       // files whose batch failed: one fix per round now
  std::set<std::string> broken;              // a syntax error before any fix: not touched
  for (const core::Finding& d : report->diagnostics) {
    if (d.code == kSyntaxError.code) broken.insert(d.where.path);
  }
  auto current = [&](const std::string& path) -> const std::string& {
    const auto t = texts.find(path);
    return t != texts.end() ? t->second : files.at(path).before;
  };
  for (int round = 0; round < kMaxRounds; ++round) {
    std::map<std::string, std::vector<const core::Finding*>> offered;
    for (const core::Finding& f : report->findings) {
      if (f.suppressed || !f.autofix || f.autofix->edits.empty() || broken.count(f.where.path)) continue;
      if (f.autofix->applicability == core::Applicability::kUnsafe && !options.unsafe_fixes) continue;
      const auto input = by_display.find(f.where.path);
      if (input == by_display.end() || input->second->kind != FileKind::kPython) continue;
      if (!files.count(f.where.path)) {
        FileProblem problem;
        std::optional<std::string> bytes = read_file(*input->second, options.max_file_size, problem);
        if (!bytes) continue;
        files[f.where.path] = FixedFile{input->second->path, input->second->text.has_value(), *bytes, *bytes};
      }
      if (rejected.count(signature(f, current(f.where.path)))) continue;
      offered[f.where.path].push_back(&f);
    }
    if (offered.empty()) break;
    std::map<std::string, std::string> next = texts;
    std::map<std::string, std::vector<const core::Finding*>> batch;
    for (const auto& [path, findings] : offered) {
      std::vector<const core::Fix*> fixes;
      for (const core::Finding* f : findings) fixes.push_back(&*f->autofix);
      std::vector<size_t> picked = pick_round(fixes);
      if (one_at_a_time.count(path) && picked.size() > 1) picked.resize(1);
      std::vector<core::Edit> edits;
      for (size_t i : picked) {
        batch[path].push_back(findings[i]);
        edits.insert(edits.end(), fixes[i]->edits.begin(), fixes[i]->edits.end());
      }
      std::sort(edits.begin(), edits.end(),
                [](const core::Edit& a, const core::Edit& b) { return a.span.begin < b.span.begin; });
      const std::string& text = current(path);
      next[path] = apply_edits(text, edits, bom_shift(text));
    }
    std::optional<core::Report> after = analyze(options, tree, selected, error, &next);
    if (!after) return std::nullopt;
    const std::map<FindingKey, size_t> old_counts = finding_counts(*report);
    const std::map<FindingKey, size_t> new_counts = finding_counts(*after);
    std::map<std::string, std::string> failures;  // path -> why
    std::string elsewhere;  // a finding added in a file this round did not change
    for (const auto& [key, count] : new_counts) {
      const auto old = old_counts.find(key);
      if (old != old_counts.end() && old->second >= count) continue;
      const std::string& path = std::get<0>(key);
      const std::string why = "it adds a " + std::get<1>(key) + " finding";
      if (batch.count(path)) failures.emplace(path, why);
      else if (elsewhere.empty()) elsewhere = why + " in " + path;
    }
    for (const auto& [path, findings] : batch) {
      if (has_syntax_error(*after, path)) failures[path] = "it leaves a syntax error";
      else if (!elsewhere.empty()) failures.emplace(path, elsewhere);
    }
    if (failures.empty()) {
      texts = std::move(next);
      report = std::move(after);
      for (const auto& [path, findings] : batch) outcome.applied += findings.size();
      continue;
    }
    for (const auto& [path, why] : failures) {
      const std::vector<const core::Finding*>& findings = batch[path];
      if (findings.size() == 1) {
        rejected.insert(signature(*findings[0], current(path)));
        outcome.dropped.push_back(where(*findings[0]) + " not applied: " + why);
      } else {
        one_at_a_time.insert(path);
      }
    }
    // Files that passed are fixed again next round, judged apart from the failed ones.
  }
  for (auto& [path, file] : files) {
    const auto t = texts.find(path);
    if (t == texts.end() || t->second == file.before) continue;
    file.after = t->second;
    outcome.changed[path] = std::move(file);
  }
  outcome.report = std::move(*report);
  return outcome;
}

bool write_fixed_files(const FixOutcome& outcome, std::string& error) {
  for (const auto& [display, file] : outcome.changed) {
    if (file.from_stdin) continue;
    if (!write_file_atomically(file.path, file.after, error)) return false;
  }
  return true;
}

}  // namespace app
