#pragma once
#include <ostream>

#include "sqla/facts.h"

namespace sqla {

/// Prints the resolved facts of one file in a stable, line-oriented text form (--dump-facts).
void dump(const FileFacts& facts, std::ostream& out);
void dump(const IniFile& ini, std::ostream& out);
/// The project's database evidence and what was inferred from it (dialect_evidence.h).
void dump(const DialectInference& inference, std::ostream& out);

}  // namespace sqla
