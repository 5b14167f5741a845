#include "rules/common.h"

namespace rules {

bool local_engine(const sqla::EngineSite& site, const sqla::EntryPoint* entry) {
  std::string_view name = site.assigned_to;
  if (entry && entry->function.find('.') != std::string::npos && name.rfind("self.", 0) == 0)
    name.remove_prefix(5);
  return name.find_first_of(".[") == std::string_view::npos;
}

bool per_invocation_engine(const sqla::FileFacts& file, const sqla::EngineSite& site) {
  if (site.function.empty() || file.entry.cached(site.function)) return false;
  const sqla::EntryPoint* entry = file.entry.find(site.function);
  return entry && local_engine(site, entry);
}

void drop_wrapper_repeats(const sqla::ProjectFacts& facts, std::vector<core::Finding>& found) {
  std::vector<std::pair<const core::Location*, const core::Location*>> calls;  // call site, wrapped call
  for (const sqla::FileFacts& file : facts.files) {
    for (const sqla::EngineSite& site : file.engines) {
      if (!site.through.empty() && site.wrapped_site.valid()) calls.emplace_back(&site.where, &site.wrapped_site);
    }
  }
  if (calls.empty()) return;
  auto repeats = [&](const core::Finding& f) {
    for (const auto& [call, wrapped] : calls) {
      if (f.where != *call) continue;
      for (const core::Finding& g : found) {
        if (&g != &f && g.where == *wrapped && g.code == f.code && g.message == f.message) return true;
      }
    }
    return false;
  };
  std::vector<bool> drop(found.size());
  for (size_t i = 0; i < found.size(); ++i) drop[i] = repeats(found[i]);
  std::vector<core::Finding> kept;
  for (size_t i = 0; i < found.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(found[i]));
  }
  found = std::move(kept);
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "'" : ",'") + n + "'";
  return out;
}

}  // namespace rules
