#pragma once
// Renderers of the one result model. Each takes a finished core::Report and only formats it.
#include <ostream>

#include "core/report.h"

namespace report {

struct TextStyle {
  bool color = false;  ///< ANSI colours (a TTY, --color always)
  bool quiet = false;  ///< findings and the summary line only
};

/// gcc-style finding lines, then the audit report (checks, inventory, summary).
void write_text(const core::Report& report, const TextStyle& style, std::ostream& out);
/// A Markdown report for pull requests and CI job summaries.
void write_markdown(const core::Report& report, std::ostream& out);
/// The JSON contract (schema_version 1; see docs/report.schema.json).
void write_json(const core::Report& report, std::ostream& out);

}  // namespace report
