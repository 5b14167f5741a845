#pragma once
// The pool an engine gets when its URL is not resolved, decided from what is known (architecture
// §3, "the rule of silence": fire when every possibility gives the same answer, and say which
// assumption was made).
#include <optional>

#include "sqla/facts.h"

namespace sqla {

/// The URL argument is a value the analysis could not resolve (an environment read, a settings
/// attribute, a helper's return value, an f-string without a literal scheme), as opposed to a
/// known value that is simply not a URL.
bool url_unresolved(const py::Argument* url_arg);

/// The pool of an engine without `pool=` / `poolclass=` whose URL is not resolved, when nothing
/// unknown could change whether it keeps connections; nullopt otherwise. Sizing keywords prove a
/// pool that keeps connections (NullPool would raise TypeError); without them a complete
/// configuration gets the dialect default, which pools for every database but a SQLite file.
/// The result has `assumed` set and says why in `assumption`.
std::optional<PoolChoice> assume_pool_without_url(const EngineConfig& config, const py::Argument* url_arg);

}  // namespace sqla
