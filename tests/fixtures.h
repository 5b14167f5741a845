#pragma once
#include <algorithm>
#include <filesystem>
#include <vector>

namespace tests {

/// fixtures/PAnnn/<entry>: each file or directory is one fixture project.
inline std::vector<std::filesystem::path> rule_fixtures(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> out;
  for (const auto& dir : std::filesystem::directory_iterator(root)) {
    const std::string name = dir.path().filename().string();
    if (!dir.is_directory() || name.size() != 5 || name.rfind("PA", 0) != 0) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// fixtures/projects/<dir>: realistic apps audited with every rule.
inline std::vector<std::filesystem::path> project_fixtures(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> out;
  const auto dir = root / "projects";
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_directory()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tests
