// libFuzzer target: the dependency files the SQLAlchemy / Flask-SQLAlchemy /
// FastAPI versions are read from (requirements*.txt, requirements/*.txt,
// pyproject.toml, poetry.lock, uv.lock, Pipfile.lock, setup.cfg), through
// read_project_context() over a directory holding one of them, and the version
// specifier parser over every line. Property: problems are PA003 diagnostics.
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "sqla/project_context.h"

namespace fuzz {

int dependencies(const uint8_t *data, size_t size) {
  static const char *const kNames[] = {
      "requirements.txt", "requirements/base.txt",
      "pyproject.toml",   "poetry.lock",
      "uv.lock",          "Pipfile.lock",
      "setup.cfg"};
  Bytes in(data, size);
  const char *name = kNames[in.byte() % std::size(kNames)];
  const std::string_view text = in.rest();
  write_scratch(name, text);
  std::vector<core::Finding> diagnostics;
  const sqla::ProjectContext context =
      sqla::read_project_context(scratch_dir().string(), diagnostics);
  for (const core::Finding &d : diagnostics) {
    expect(d.code == "PA003", "dependencies",
           "a diagnostic other than PA003: " + d.code);
  }
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos)
      end = text.size();
    (void)sqla::lowest_version(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return 0;
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::dependencies)
