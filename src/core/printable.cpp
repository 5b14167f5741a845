#include "core/printable.h"

#include <algorithm>
#include <cstdint>

namespace core {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_byte_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xF];
}

/// The length of the well-formed UTF-8 sequence at `i` and its code point; 0
/// when malformed.
size_t decode(std::string_view s, size_t i, uint32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t len;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1Fu;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0Fu;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

/// Code points above ASCII that change how a line is shown: C1 controls (CSI
/// U+009B works like ESC [ on some terminals), line/paragraph separators, and
/// bidirectional controls.
bool invisible_control(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void escape_in_place(std::string& s) { s = printable(s); }

void escape_location(Location& where) { where.path = printable(where.path); }

void escape_finding(Finding& f) {
  escape_location(f.where);
  escape_in_place(f.message);
  escape_in_place(f.fix);
  for (Note& n : f.notes) {
    escape_location(n.where);
    escape_in_place(n.message);
  }
}

}  // namespace

std::string lossy_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    uint32_t cp = 0;
    const size_t len = decode(bytes, i, cp);
    if (len == 0) {
      append_byte_escape(out, static_cast<unsigned char>(bytes[i]));
      ++i;
      continue;
    }
    out.append(bytes.substr(i, len));
    i += len;
  }
  return out;
}

bool valid_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    uint32_t cp = 0;
    const size_t len = decode(bytes, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t len = decode(text, i, cp);
    if (len == 0) {
      append_byte_escape(out, static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      append_byte_escape(out, static_cast<unsigned char>(cp));
    } else if (invisible_control(cp)) {
      out += "\\u{";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
      out += '}';
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string printable_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    out += printable(text.substr(start, end - start));
    if (end == text.size()) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

Report printable_report(const Report& report) {
  Report r = report;
  escape_in_place(r.root);
  for (Finding& f : r.findings) escape_finding(f);
  for (Finding& d : r.diagnostics) escape_finding(d);
  for (InventoryEngine& e : r.inventory.engines) {
    escape_location(e.where);
    for (std::string* s : {&e.factory, &e.name, &e.function, &e.url, &e.backend})
      escape_in_place(*s);
    for (InventoryConfig& c : e.configs) {
      for (std::string* s : {&c.branch, &c.pool, &c.pool_source}) escape_in_place(*s);
      for (auto& [key, value] : c.options) {
        escape_in_place(key);
        escape_in_place(value);
      }
    }
  }
  for (InventorySessionFactory& s : r.inventory.session_factories) {
    escape_location(s.where);
    for (std::string* t : {&s.factory, &s.name, &s.bind, &s.teardown}) escape_in_place(*t);
  }
  for (InventorySessionProvider& p : r.inventory.session_providers) {
    escape_location(p.where);
    for (std::string* t : {&p.function, &p.kind, &p.object, &p.closes, &p.closed_at})
      escape_in_place(*t);
  }
  for (InventoryAlembicEnv& a : r.inventory.alembic_envs) {
    escape_location(a.where);
    escape_in_place(a.engine);
    escape_in_place(a.pool);
  }
  DeploymentContext& dep = r.deployment;
  escape_in_place(dep.platform);
  for (auto* group : {&dep.evidence, &dep.processes, &dep.poolers, &dep.versions, &dep.budget}) {
    for (DeploymentEntry& e : *group) {
      escape_in_place(e.text);
      escape_location(e.where);
    }
  }
  for (ServiceContext& s : dep.services) {
    for (std::string* t : {&s.path, &s.markers, &s.platform, &s.dialect}) escape_in_place(*t);
    for (auto* group : {&s.processes, &s.versions}) {
      for (DeploymentEntry& e : *group) {
        escape_in_place(e.text);
        escape_location(e.where);
      }
    }
  }
  for (Check& c : r.checks) {
    escape_in_place(c.title);
    escape_in_place(c.detail);
  }
  // The paths, so that escaped findings still find their lines; the lines themselves are escaped
  // by the excerpt, piece by piece, so that its carets stay under the span.
  r.source_lines.clear();
  for (const auto& [path, lines] : report.source_lines) r.source_lines.emplace(printable(path), lines);
  return r;
}

}  // namespace core
