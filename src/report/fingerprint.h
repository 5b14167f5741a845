#pragma once
// Line-independent identities for findings (SARIF partialFingerprints, GitLab fingerprints), so a
// finding keeps its identity when code above it moves.
#include <string>
#include <vector>

#include "core/finding.h"

namespace report {

/// One fingerprint per finding, in order: a hash of (code, path, scope, subject) -- the message with
/// its digits removed standing in for an empty subject -- plus ":n" for the n-th finding with the
/// same hash, so identical-looking findings in one file stay distinct.
std::vector<std::string> fingerprints(const std::vector<core::Finding>& findings);

}  // namespace report
