#include "app/excerpts.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "app/read_source.h"

namespace app {
namespace {

/// The file's text as the parser saw it (prepare_text), so line numbers agree with positions.
std::optional<std::string> file_text(const std::vector<InputFile>& files, const std::string& path,
                                     uint64_t max_size) {
  const auto walked = std::lower_bound(
      files.begin(), files.end(), path,
      [](const InputFile& file, const std::string& p) { return file.display_path < p; });
  FileProblem problem;
  if (walked != files.end() && walked->display_path == path) {
    auto text = read_file(*walked, max_size, problem);
    return text ? std::optional<std::string>(prepare_text(std::move(*text))) : std::nullopt;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  InputFile other;
  other.path = path;
  other.display_path = path;
  auto text = read_file(other, max_size, problem);
  return text ? std::optional<std::string>(prepare_text(std::move(*text))) : std::nullopt;
}

}  // namespace

void collect_source_lines(const std::vector<InputFile>& files, uint64_t max_size, core::Report& report) {
  std::map<std::string, std::set<uint32_t>> wanted;
  for (const std::vector<core::Finding>* list : {&report.findings, &report.diagnostics}) {
    for (const core::Finding& f : *list) {
      if (!f.suppressed && f.where.valid() && !f.where.path.empty()) wanted[f.where.path].insert(f.where.range.begin.line);
    }
  }
  for (const auto& [path, lines] : wanted) {
    const std::optional<std::string> text = file_text(files, path, max_size);
    if (!text || !text_problem(*text).empty()) continue;
    std::map<uint32_t, std::string>& out = report.source_lines[path];
    uint32_t number = 1;
    size_t start = 0;
    for (auto next = lines.begin(); next != lines.end() && start <= text->size(); ++number) {
      const size_t end = std::min(text->find('\n', start), text->size());
      if (number == *next) {
        out.emplace(number, text->substr(start, end - start));
        ++next;
      }
      if (end == text->size()) break;
      start = end + 1;
    }
  }
}

}  // namespace app
