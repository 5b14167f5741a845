#pragma once
// Fixes that rewrite an engine call's pool keywords (PA104, PA108, PA301): set `poolclass` and
// drop the keywords that class refuses or ignores, each written at the call itself. A keyword
// that reaches the call from elsewhere (a `**dict`, an ini section, a wrapper's caller) is shared
// with whatever else reads it: such a configuration gets no fix.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fix.h"
#include "sqla/facts.h"

namespace rules {

/// A fix made of edits the semantic layer prepared (sqla::TextEdit, edit_anchors.h).
core::Fix anchored_fix(std::string title, core::Applicability applicability,
                       const std::vector<sqla::TextEdit>& edits);

/// The keywords NullPool refuses (PA101: TypeError) or ignores (PA102/PA103).
inline const std::vector<std::string>& nullpool_unfit_keywords() {
  static const std::vector<std::string> kNames = {"pool_size",    "max_overflow",  "pool_timeout",
                                                  "pool_use_lifo", "pool_pre_ping", "pool_recycle"};
  return kNames;
}

/// True when the configuration's keyword `name` is written at the site's own call (not a `**`
/// entry, not an ini key, not a wrapper's argument).
bool written_at_call(const sqla::FileFacts& file, const sqla::EngineSite& site, const sqla::EngineConfig& config,
                     std::string_view name);

/// Edits that make the call pass `poolclass=<pool>` (its spelling through the module's imports,
/// with an import added when none serves; `pool` empty: the keyword is dropped) and drop the
/// keywords of `drop` the configuration has. nullopt when one of them is not written at the call,
/// every configuration of the call does not agree, or the call's layout cannot take the edit.
std::optional<std::vector<sqla::TextEdit>> pool_edits(const sqla::FileFacts& file, const sqla::EngineSite& site,
                                                      const sqla::EngineConfig& config, std::string_view pool,
                                                      const std::vector<std::string>& drop);

}  // namespace rules
