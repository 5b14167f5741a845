#pragma once
// The one git configuration value poolaudit needs: core.excludesFile, read from git's config
// format (`[section]` headers, `key = value`, quotes, backslash escapes, '#'/';' comments). Include
// directives ([include], [includeIf]) are not followed.
#include <optional>
#include <string>
#include <string_view>

namespace app {

/// The last core.excludesFile set in `text` (a git config file), "~/" not yet expanded.
std::optional<std::string> config_excludes_file(std::string_view text);

}  // namespace app
