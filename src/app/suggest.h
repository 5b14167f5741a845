#pragma once
// "Did you mean ...?" for a misspelt flag: the closest of the known spellings by edit distance.
#include <string>
#include <string_view>
#include <vector>

namespace app {

/// The candidate closest to `typed` by Levenshtein distance, when it is close enough to be the
/// intended word (at most a third of its length, and at most 3 edits); "" otherwise. Ties go to
/// the earlier candidate.
std::string closest_spelling(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace app
