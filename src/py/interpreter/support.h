#pragma once
// Helpers every part of the interpreter shares: the analysis bounds, value construction and the
// merging of alternatives.
#include <cstddef>
#include <string>
#include <string_view>

#include "py/module.h"
#include "py/value.h"

namespace py::detail {

// Bounds that keep the analysis linear and the native stack small on generated code.
constexpr size_t kMaxAlts = 16;         // alternatives per name / argument combinations per call
constexpr int kMaxExprDepth = 150;      // deeper expressions evaluate to Unknown
constexpr int kMaxStmtDepth = 80;       // deeper blocks are not interpreted
constexpr size_t kMaxDictEntries = 128;  // larger dicts are marked incomplete

/// A shared immutable value.
ValuePtr make(Value v);

/// One alternative: `v` under `tags`.
Alts single(Value v, Tags tags = {});

/// `text` with every run of whitespace replaced by one space (for descriptions of expressions).
std::string collapse_space(std::string_view text);

/// Merges alternatives that hold the same value (keeping the conditions both paths share); more than
/// kMaxAlts alternatives become one Unknown.
void dedupe(Alts& alts);

}  // namespace py::detail
