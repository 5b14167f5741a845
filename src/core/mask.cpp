#include "core/mask.h"

namespace core {

std::string mask_credentials(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t sep = text.find("://", pos);
    if (sep == std::string_view::npos) break;
    const size_t auth_begin = sep + 3;
    // The authority ends at the first '/', '?', '#', whitespace or quote.
    size_t auth_end = auth_begin;
    while (auth_end < text.size()) {
      const char c = text[auth_end];
      if (c == '/' || c == '?' || c == '#' || c == ' ' || c == '\n' || c == '\t' || c == '"' ||
          c == '\'' || c == '`' || c == '\r') {
        break;
      }
      ++auth_end;
    }
    const std::string_view authority = text.substr(auth_begin, auth_end - auth_begin);
    const size_t at = authority.rfind('@');
    const size_t colon = at == std::string_view::npos ? std::string_view::npos : authority.find(':');
    out.append(text.substr(pos, auth_begin - pos));
    if (colon != std::string_view::npos && colon < at && authority.substr(colon + 1, at - colon - 1) != "***") {
      out.append(authority.substr(0, colon + 1));
      out.append("***");
      out.append(authority.substr(at));
    } else {
      out.append(authority);
    }
    pos = auth_end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace core
