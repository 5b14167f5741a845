#pragma once
// One deployment file format: which file names it claims and how to read one file of it. Each format
// lives in its own file beside this one and is listed once in registry.cpp.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/source_file.h"
#include "sqla/facts.h"

namespace sqla::deploy {

/// Reads a parsed YAML document (a map); yaml-cpp exceptions become a PA003 diagnostic.
using YamlReader = void (*)(const YAML::Node& doc, const std::string& path, DeploymentFacts& out);
/// Reads a parsed JSON document.
using JsonReader = void (*)(const nlohmann::json& doc, const core::SourceFile& source, DeploymentFacts& out);
/// Reads the text itself (line-based files, TOML); may add diagnostics.
using TextReader = void (*)(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>& diagnostics);

/// What a file of a format describes. A service is the nearest directory with Python below it and a
/// file that describes how a unit of code is built or run (sqla/services.h); shell scripts, systemd
/// units, env files, pgbouncer.ini and Terraform configure what is around the code, not a unit of it.
enum class Describes { kService, kSurroundings };

/// A deployment file format. Exactly one reader is set; the registry parses YAML and JSON for it.
struct DeploymentFormat {
  std::string_view label;  ///< what the file is: "serverless.yml", "Procfile"
  Describes describes;
  /// `file_name` is the lower-cased base name, `parent_dir` the lower-cased name of its directory.
  bool (*matches)(std::string_view file_name, std::string_view parent_dir);
  YamlReader read_yaml = nullptr;
  JsonReader read_json = nullptr;
  TextReader read_text = nullptr;
};

}  // namespace sqla::deploy
