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

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "'" : ",'") + n + "'";
  return out;
}

}  // namespace rules
