#pragma once
// The one masker. Every string that leaves the process passes mask_secrets(): app::run sends all
// it writes (reports, --dump-facts, --show-settings, diagnostics, error messages) through it, and
// the model masks exact values where their extent is known (a URL literal, a dict entry) with
// mask_url() / is_secret_key(), because in free text the end of a password is only a guess.
#include <string>
#include <string_view>

namespace core {

/// The text shown instead of a secret.
inline constexpr std::string_view kMask = "***";

/// Masks every secret in free text: the password of each `scheme://user:password@host` (as
/// SQLAlchemy splits it, and up to the last '@' of the URL's token when in doubt), a non-numeric
/// port, and the value of every password-like key (`password=`, `PWD%3D`, `"token": "..."`,
/// `secret: ...`). A masked span never crosses a line break and never splits an escape pair, so a
/// JSON, SARIF or GitLab document written one value per line stays well-formed. Idempotent.
std::string mask_secrets(std::string_view text);

/// Masks `url`, the whole value of one string (a URL literal): the password runs to the last '@'
/// of the string, query values of password-like keys run to the next '&'. Then mask_secrets().
std::string mask_url(std::string_view url);

/// True for a key whose value is a secret (`password`, `PWD`, `sslpassword`, `api_key`, `token`,
/// `DB_PASSWORD`, `secret_key`, ...), compared case-insensitively after percent-decoding.
bool is_secret_key(std::string_view key);

/// Former name of mask_secrets(), kept for callers on other branches.
inline std::string mask_credentials(std::string_view text) { return mask_secrets(text); }

}  // namespace core
