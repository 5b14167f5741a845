#pragma once
// Small pieces every deployment-file reader shares: trimming, numbers, locations, PA003 diagnostics.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/finding.h"
#include "sqla/facts.h"

namespace sqla::deploy {

/// `s` without surrounding whitespace.
std::string trim(std::string_view s);

/// The whole of `s` as a decimal integer; nullopt when it is not one.
std::optional<int> to_int(std::string_view s);

/// The location of line `line` (its whole text) in `path`.
core::Location line_location(const std::string& path, uint32_t line, std::string_view text);

/// "path:line", for origins and --dump-facts.
std::string at(const core::Location& where);

/// A PA003 diagnostic: the file cannot be read, its settings are ignored.
core::Finding config_problem(const core::Location& where, std::string message);

/// Long-running servers a platform file starts (Render, App Engine): server evidence.
void add_servers(DeploymentFacts& out, size_t before, const std::string& file, const std::string& platform);

}  // namespace sqla::deploy
