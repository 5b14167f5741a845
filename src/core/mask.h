#pragma once
#include <string>
#include <string_view>

namespace core {

/// Replaces the password of every `scheme://user:password@host` in `text` with `***`.
/// Every reporter runs its strings through this: a finding about a leaked credential must not
/// leak it again into CI logs, SARIF uploads or pull-request comments.
std::string mask_credentials(std::string_view text);

}  // namespace core
