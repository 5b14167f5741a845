#pragma once
// Paths inside URIs (SARIF artifact locations, Markdown links to files in CI).
#include <string>

namespace report {

/// A relative path as a URI reference (RFC 3986): unreserved characters and '/' stay, the rest is
/// percent-encoded, so a space or '#' in a file name does not break the URI.
std::string uri_path(const std::string& path);

}  // namespace report
