#pragma once
// `--diff`: the unified diff of what `--fix` would change (GNU diff -u format, 3 lines of context).
#include <string>
#include <string_view>

namespace app {

/// The unified diff from `before` to `after` under the headers `--- a/<path>` / `+++ b/<path>`
/// (git style; an absolute path as given: `--- /tmp/x.py` / `+++ /tmp/x.py`, as diff(1) and ruff
/// write it); "" when they are equal. A last line without a line break is marked as diff(1) marks it.
std::string unified_diff(std::string_view before, std::string_view after, const std::string& path);

}  // namespace app
