#include "sqla/shared_dicts.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace sqla {

void share_module_dicts(FileFacts& file) {
  std::vector<std::pair<uint32_t, std::string>> kwargs;  // call `(` byte, "**kw"
  for (const EngineSite& site : file.engines) {
    const CallLayout* call = site.through.empty() ? file.anchors.call_at(site.where.range.begin) : nullptr;
    if (call && !site.kwargs_parameter.empty()) kwargs.emplace_back(call->begin, "**" + site.kwargs_parameter);
  }
  for (CallLayout& call : file.anchors.calls) {
    for (ArgumentSpan& a : call.args) {
      if (a.name != "**") continue;
      const std::string written = call.text.substr(a.begin - call.begin, a.end - a.begin);
      if (std::find(kwargs.begin(), kwargs.end(), std::make_pair(call.begin, written)) != kwargs.end()) continue;
      a.value_begin = a.begin;
      a.value_end = a.end;
    }
  }
}

}  // namespace sqla
