#pragma once
#include <ostream>

#include "app/options.h"

namespace app {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

/// The version string: "poolaudit 0.1.0 (tree-sitter-python 0.25.0)".
const char* version();

/// Runs the command the options describe; returns the process exit code.
int run(const Options& options, std::ostream& out, std::ostream& err, bool out_is_tty);

}  // namespace app
