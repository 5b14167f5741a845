#include "app/baseline.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "app/output_file.h"
#include "core/printable.h"

namespace app {
namespace fs = std::filesystem;
namespace {

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

/// "pool_size=10 passed here (through **kw)" / "check_same_thread set here" -> the keyword;
/// "QueuePool chosen here" -> the pool class.
std::string note_keyword(const std::string& note) {
  size_t end = 0;
  while (end < note.size() && identifier_char(note[end])) ++end;
  if (end == 0) return {};
  const std::string_view rest = std::string_view(note).substr(end);
  if (rest.rfind("=", 0) == 0 && note.find(" passed here") != std::string::npos) return note.substr(0, end);
  for (std::string_view tail : {" passed here", " set here", " chosen here"}) {
    if (rest.rfind(tail, 0) == 0) return note.substr(0, end);
  }
  return {};
}

/// The first `identifier` in backticks.
std::string backticked(const std::string& text) {
  for (size_t open = text.find('`'); open != std::string::npos; open = text.find('`', open + 1)) {
    const size_t close = text.find('`', open + 1);
    if (close == std::string::npos) break;
    const std::string inside = text.substr(open + 1, close - open - 1);
    if (!inside.empty() && !std::isdigit(static_cast<unsigned char>(inside[0])) &&
        std::all_of(inside.begin(), inside.end(), identifier_char)) {
      return inside;
    }
    open = close;
  }
  return {};
}

std::string relative_to(const std::string& path, const std::string& dir) {
  const fs::path rel = fs::absolute(path).lexically_normal().lexically_relative(dir);
  return rel.empty() ? path : rel.generic_string();
}

}  // namespace

void assign_identity(std::vector<core::Finding>& findings, const sqla::ProjectFacts& facts) {
  std::unordered_map<std::string, const std::vector<sqla::ScopeSpan>*> scopes;
  for (const sqla::FileFacts& f : facts.files) scopes[f.path] = &f.scopes;
  for (core::Finding& f : findings) {
    f.scope.clear();
    if (auto it = scopes.find(f.where.path); it != scopes.end()) {
      const uint32_t line = f.where.range.begin.line;
      const sqla::ScopeSpan* inner = nullptr;
      for (const sqla::ScopeSpan& s : *it->second) {
        if (s.first_line > line || s.last_line < line) continue;
        // The innermost span starts last; at equal starts (a one-line class with a method) the shorter.
        if (!inner || s.first_line > inner->first_line ||
            (s.first_line == inner->first_line && s.last_line < inner->last_line)) {
          inner = &s;
        }
      }
      if (inner) f.scope = inner->name;
    }
    f.subject.clear();
    for (const core::Note& n : f.notes) {
      f.subject = note_keyword(n.message);
      if (!f.subject.empty()) break;
    }
    if (f.subject.empty()) f.subject = backticked(f.message);
  }
}

Baseline::Key Baseline::key(const core::Finding& finding) const {
  return {finding.code, relative_to(finding.where.path, dir), finding.scope, finding.subject};
}

std::optional<Baseline> load_baseline(const std::string& file, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    error = "cannot read baseline " + file + ": it is a directory";
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = "cannot read baseline " + file + " (write one with --write-baseline)";
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    error = "cannot read baseline " + file;
    return std::nullopt;
  }
  Baseline b;
  b.file = file;
  b.dir = core::lossy_utf8(fs::absolute(file).lexically_normal().parent_path().string());
  try {
    const nlohmann::json doc = nlohmann::json::parse(text);
    // Compared as JSON, never converted: a version such as 1e60 does not fit an int.
    if (!doc.is_object() || !doc.contains("poolaudit_baseline") ||
        doc["poolaudit_baseline"] != 1 || !doc.contains("findings") ||
        !doc["findings"].is_array()) {
      error = "malformed baseline " + file + ": expected {\"poolaudit_baseline\": 1, \"findings\": [...]}";
      return std::nullopt;
    }
    size_t index = 0;
    for (const nlohmann::json& e : doc["findings"]) {
      if (!e.is_object() || !e.contains("rule") || !e["rule"].is_string() || !e.contains("path") ||
          !e["path"].is_string() || !e.value("count", nlohmann::json(1)).is_number_unsigned()) {
        error = "malformed baseline " + file + ": findings[" + std::to_string(index) +
                "] needs \"rule\" and \"path\" strings and a positive \"count\"";
        return std::nullopt;
      }
      Baseline::Key k{e["rule"].get<std::string>(), e["path"].get<std::string>(), e.value("scope", std::string()),
            e.value("subject", std::string())};
      b.counts[k] += e.value("count", size_t{1});
      ++index;
    }
  } catch (const nlohmann::json::exception& ex) {
    error = "malformed baseline " + file + ": " + ex.what();
    return std::nullopt;
  }
  return b;
}

void apply_baseline(const Baseline& baseline, std::vector<core::Finding>& findings) {
  std::map<Baseline::Key, size_t> left = baseline.counts;
  for (core::Finding& f : findings) {
    if (f.suppressed) continue;
    auto it = left.find(baseline.key(f));
    if (it == left.end() || it->second == 0) continue;
    --it->second;
    f.suppressed = true;
    f.suppression = "baseline";
  }
}

bool write_baseline(const std::string& file, const std::vector<core::Finding>& findings, size_t& written,
                    std::string& error) {
  Baseline b;
  b.dir = core::lossy_utf8(fs::absolute(file).lexically_normal().parent_path().string());
  written = 0;
  for (const core::Finding& f : findings) {
    if (f.suppressed && f.suppression != "baseline") continue;
    ++b.counts[b.key(f)];
    ++written;
  }
  nlohmann::ordered_json doc;
  doc["poolaudit_baseline"] = 1;
  doc["findings"] = nlohmann::ordered_json::array();
  for (const auto& [k, count] : b.counts) {
    const auto& [rule, path, scope, subject] = k;
    doc["findings"].push_back({{"rule", rule}, {"path", path}, {"scope", scope}, {"subject", subject}, {"count", count}});
  }
  // Keys hold display paths, valid UTF-8 by construction; `replace` is the backstop that keeps a
  // stray byte from aborting the write.
  const std::string text =
      doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  return write_file_atomically(file, text, error);
}

}  // namespace app
