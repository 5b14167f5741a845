// libFuzzer target: suppression comments (`# poolaudit: ignore[...] -- reason`,
// `# noqa: ...`,
// `# poolaudit: file-ignore[...]`) as any file type sees them, then applied to
// findings on the file's lines. Python comments come from the tree
// (fuzz_analyze covers them); here the comment test is the ini one, every `#`,
// or the one for YAML/TOML/Dockerfiles (a `#` after a blank). Properties:
// directives and diagnostics are in this file; a suppressed finding says how.
#include <string>
#include <vector>

#include "app/suppressions.h"
#include "core/source_file.h"
#include "fuzz_deployment.h"
#include "py/grammar.h"
#include "rules/rule.h"
#include "ts/tree.h"

namespace fuzz {

int suppressions(const uint8_t *data, size_t size) {
  Bytes in(data, size);
  const uint8_t mode = in.byte() % 4;
  const uint8_t finding_count = in.byte() % 8;
  std::vector<uint32_t> lines;
  for (uint8_t i = 0; i < finding_count; ++i)
    lines.push_back(in.number(64));
  const std::vector<const rules::Rule *> selected(rules::all_rules().begin(),
                                                  rules::all_rules().end());
  std::vector<std::string> codes;
  for (uint8_t i = 0; i < finding_count; ++i)
    codes.emplace_back(
        selected[in.number(static_cast<uint32_t>(selected.size()))]->info.code);
  const core::SourceFile source(mode == 3 ? "fuzz.py" : "fuzz.cfg",
                                std::string(in.rest()));
  const std::string_view text = source.text();

  std::vector<app::Directive> directives;
  if (mode == 0) {
    directives = app::scan_ini_directives(source);
  } else if (mode == 3) {
    ts::Parser parser;
    parser.set_language(py::Grammar::get().language());
    const ts::Tree tree = parser.parse(text);
    if (tree)
      directives = app::scan_python_directives(source, tree.root());
  } else {
    directives = app::scan_directives(source, [text, mode](uint32_t offset) {
      if (mode == 1)
        return true;
      return offset == 0 || text[offset - 1] == ' ' ||
             text[offset - 1] == '\t' || text[offset - 1] == '\n';
    });
  }
  for (const app::Directive &d : directives) {
    check_location("suppressions", source, d.where);
    expect(d.first_line <= d.last_line, "suppressions",
           "a directive ending before it starts");
    expect(d.byte < text.size() && text[d.byte] == '#', "suppressions",
           "a directive not at a `#`");
  }

  std::vector<core::Finding> findings;
  for (size_t i = 0; i < lines.size(); ++i) {
    core::Finding f;
    f.code = codes[i];
    f.where = core::Location{
        source.path(), {{lines[i] + 1, 1}, {lines[i] + 1 + (lines[i] % 3), 1}}};
    findings.push_back(std::move(f));
  }
  app::DirectiveMap map;
  map[source.path()] = std::move(directives);
  std::vector<core::Finding> diagnostics;
  app::apply_suppressions(findings, map, selected, true, diagnostics);
  for (const core::Finding &f : findings) {
    expect(f.suppressed == !f.suppression.empty(), "suppressions",
           "suppressed without saying how");
  }
  for (const core::Finding &d : diagnostics) {
    expect(d.code == "PA004" || d.code == "PA005", "suppressions",
           "unexpected diagnostic " + d.code);
    check_location("suppressions", source, d.where);
  }
  return 0;
}

} // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::suppressions)
