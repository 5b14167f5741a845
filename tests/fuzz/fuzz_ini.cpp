// libFuzzer target: ini files (ConfigParser syntax: alembic.ini,
// setup.cfg-style sections) and their suppression comments, then the
// --dump-facts printer. pgbouncer.ini has its own reader (fuzz_platform).
// Properties: every entry's location is on one of the file's lines; every
// directive is in this file, with first_line <= last_line.
#include <sstream>

#include "app/suppressions.h"
#include "core/source_file.h"
#include "fuzz_deployment.h"
#include "sqla/dump.h"
#include "sqla/facts.h"

namespace fuzz {

int ini(const uint8_t *data, size_t size) {
  Bytes in(data, size);
  const char *name = in.byte() % 2 == 0 ? "alembic.ini" : "pytest.ini";
  const core::SourceFile source(name, std::string(in.rest()));
  const sqla::IniFile file = sqla::read_ini(source);
  for (const sqla::IniEntry &e : file.entries)
    check_location("ini", source, e.where);
  std::ostringstream dumped;
  sqla::dump(file, dumped);
  for (const app::Directive &d : app::scan_ini_directives(source)) {
    check_location("ini", source, d.where);
    expect(d.first_line <= d.last_line, "ini",
           "a directive ending before it starts");
  }
  return 0;
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::ini)
