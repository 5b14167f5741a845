#pragma once
// What the YAML readers share: node locations, scalars, `environment:` blocks.
#include <yaml-cpp/yaml.h>

#include <string>

#include "core/location.h"
#include "sqla/facts.h"

namespace sqla::deploy {

/// Where `node` starts in `path` (line 1 when yaml-cpp kept no mark).
core::Location mark_location(const std::string& path, const YAML::Node& node);

/// The node's text when it is a scalar, "" otherwise.
std::string scalar(const YAML::Node& node);

/// `environment:` as a map or as a list of "K=V".
void read_yaml_env(const YAML::Node& env, const std::string& path, DeploymentFacts& out);

}  // namespace sqla::deploy
