#pragma once
// What the JSON readers share (zappa_settings.json, .chalice/config.json, vercel.json).
#include <nlohmann/json.hpp>

#include <string_view>

#include "core/location.h"
#include "core/source_file.h"
#include "sqla/facts.h"

namespace sqla::deploy {

/// Line of the first occurrence of `"key"` in the text (nlohmann keeps no positions).
core::Location json_key_location(const core::SourceFile& source, std::string_view key);

/// An object of string values: environment variables.
void read_json_env(const nlohmann::json& env, const core::SourceFile& source, DeploymentFacts& out);

}  // namespace sqla::deploy
