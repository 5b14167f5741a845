// Reads an .ini file (alembic.ini, setup.cfg-style) into its entries, the way ConfigParser sees
// them (sections, `=`/`:` separators, comments, multi-line values), each with its location. Kept
// apart from facts.cpp, which builds the facts of Python files: this is a reader of another format.
#include <string>
#include <string_view>

#include "sqla/facts.h"

namespace sqla {

IniFile read_ini(const core::SourceFile& source) {
  IniFile ini;
  ini.path = source.path();
  const std::string_view path = source.path();
  ini.is_alembic = path == "alembic.ini" || (path.size() > 12 && path.substr(path.size() - 12) == "/alembic.ini");
  std::string section;
  bool in_value = false;
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    std::string_view text = source.line_text(line);
    size_t start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      in_value = false;
      continue;
    }
    const char first = text[start];
    if (first == '#' || first == ';') continue;
    if (start > 0 && in_value) {
      // A continuation line of a multi-line value (ConfigParser joins them with newlines).
      ini.entries.back().value += "\n" + std::string(text.substr(start));
      continue;
    }
    in_value = false;
    if (first == '[') {
      const size_t close = text.find(']', start);
      section = std::string(text.substr(start + 1, close == std::string_view::npos ? std::string_view::npos : close - start - 1));
      continue;
    }
    const size_t sep = text.find_first_of("=:", start);
    if (sep == std::string_view::npos) continue;
    std::string_view key = text.substr(start, sep - start);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    size_t value_start = text.find_first_not_of(" \t", sep + 1);
    if (value_start == std::string_view::npos) value_start = text.size();
    std::string_view value = text.substr(value_start);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    IniEntry entry;
    entry.section = section;
    entry.key = std::string(key);
    entry.value = std::string(value);
    // Columns: 1-based code points; ini keys are ASCII in practice.
    entry.where = core::Location{ini.path, {{line, static_cast<uint32_t>(value_start + 1)},
                                            {line, static_cast<uint32_t>(value_start + value.size() + 1)}}};
    ini.entries.push_back(std::move(entry));
    in_value = true;
  }
  return ini;
}

}  // namespace sqla
