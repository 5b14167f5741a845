#include "report/fingerprint.h"

#include <cctype>
#include <cstdint>
#include <map>

namespace report {
namespace {

/// FNV-1a 64: small, stable across platforms and releases (std::hash is neither).
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kDigits[v & 0xF];
  return out;
}

/// Line and column numbers, counts and versions in a message change when unrelated code moves.
std::string without_digits(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) out += c;
  }
  return out;
}

}  // namespace

std::vector<std::string> fingerprints(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  std::map<std::string, int> seen;
  for (const core::Finding& f : findings) {
    // '\x1f' separates the fields so ("a", "bc") and ("ab", "c") differ.
    const std::string key = f.code + '\x1f' + f.where.path + '\x1f' + f.scope + '\x1f' +
                            (f.subject.empty() ? without_digits(f.message) : f.subject);
    const std::string hash = hex(fnv1a(key));
    out.push_back(hash + ":" + std::to_string(++seen[hash]));
  }
  return out;
}

}  // namespace report
