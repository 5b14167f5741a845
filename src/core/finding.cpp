#include "core/finding.h"

#include <tuple>

#include "core/text.h"

namespace core {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "warning";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "info") return Severity::kInfo;
  if (text == "warning") return Severity::kWarning;
  if (text == "error") return Severity::kError;
  return std::nullopt;
}

bool finding_less(const Finding& a, const Finding& b) {
  return std::tie(a.where.path, a.where.range.begin, a.code, a.message) <
         std::tie(b.where.path, b.where.range.begin, b.code, b.message);
}

bool selector_matches(std::string_view selector, std::string_view code, std::string_view name) {
  const std::string wanted = lower(selector);
  return wanted == "all" || (!wanted.empty() && lower(code).rfind(wanted, 0) == 0) ||
         lower(name) == wanted;
}

std::string rule_doc_url(std::string_view base, std::string_view code) {
  // PA0xx are input diagnostics, documented in the README rather than on a page of their own.
  if (base.empty() || code.rfind("PA0", 0) == 0) return "";
  std::string url(base);
  const size_t slot = url.find("{code}");
  if (slot != std::string::npos) return url.replace(slot, 6, code);
  if (url.back() != '/') url += '/';
  return url + std::string(code) + ".md";
}

Finding& Sink::report(Location where, std::string message) {
  Finding finding;
  finding.code = std::string(info_.code);
  finding.name = std::string(info_.name);
  finding.severity = info_.severity;
  finding.where = std::move(where);
  finding.message = std::move(message);
  finding.fix = std::string(info_.fix);
  out_.push_back(std::move(finding));
  return out_.back();
}

}  // namespace core
