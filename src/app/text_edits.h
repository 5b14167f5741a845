#pragma once
// Applying fixes to a file's text: pure functions over bytes, no I/O (fix_run.cpp drives them).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/fix.h"

namespace app {

/// `text` with `edits` applied. The edits are sorted by span and do not overlap; their offsets are
/// those of the analysed text, which lacks the `shift` bytes of a UTF-8 BOM that `text` still has.
std::string apply_edits(std::string_view text, const std::vector<core::Edit>& edits, uint32_t shift = 0);

/// Indices of the fixes to apply together in one round: in order of their first edit, each taken
/// when none of its edits overlaps (or touches the same insertion point as) an edit already taken,
/// and skipped when an identical fix was taken (two findings, one edit). The rest wait for the next
/// round, when the file has been analysed again.
std::vector<size_t> pick_round(const std::vector<const core::Fix*>& fixes);

}  // namespace app
