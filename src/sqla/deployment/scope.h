#pragma once
// Evidence scopes: the directory a piece of deployment evidence covers ("" = the whole project).
#include <algorithm>
#include <string>
#include <string_view>

namespace sqla::deploy {

/// True when `path` lies under the directory `scope` ("" covers every path).
inline bool covers(const std::string& scope, std::string_view path) {
  return scope.empty() || (path.starts_with(scope) && path.size() > scope.size() && path[scope.size()] == '/');
}

/// How deep `scope` is (0 for the project root): the deepest evidence wins.
inline int depth(const std::string& scope) {
  return scope.empty() ? 0 : 1 + static_cast<int>(std::count(scope.begin(), scope.end(), '/'));
}

}  // namespace sqla::deploy
