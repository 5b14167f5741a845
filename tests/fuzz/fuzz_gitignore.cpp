// libFuzzer target: the .gitignore reader and git's glob (app::IgnoreFile, app::git_wildmatch)
// and the git config reader that finds core.excludesFile (app::config_excludes_file). The first
// byte picks the reader (even: .gitignore, odd: git config). Properties: a "!/path" line added
// last re-includes that plain path whatever the file holds before it; a plain pattern matches
// itself; a "[core] excludesfile" section added after any config text is the value found.
#include <string>
#include <string_view>

#include "app/git_config.h"
#include "app/git_wildmatch.h"
#include "app/gitignore_file.h"
#include "fuzz_support.h"

namespace fuzz {
namespace {

/// A path no pattern syntax touches: letters, digits, '.', '_', '-', non-empty components.
std::string plain_path(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (word) {
      out += c;
    } else if (c == '/' && !out.empty() && out.back() != '/') {
      out += '/';
    }
  }
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out.empty() ? "x" : out;
}

}  // namespace

int gitignore(const uint8_t *data, size_t size) {
  Bytes in(data, size);
  const bool config = (in.byte() & 1) != 0;
  if (config) {
    const std::string text(in.rest());
    (void)app::config_excludes_file(text);
    if (!text.ends_with('\\')) {
      const auto found = app::config_excludes_file(text + "\n[core]\nexcludesfile = /fuzz/x\n");
      expect(found && *found == "/fuzz/x", "gitignore", "a [core] section added last is not the one read");
    }
    return 0;
  }
  const std::string path = plain_path(in.string(40));
  const std::string base = in.byte() % 2 == 0 ? std::string() : plain_path(in.string(20));
  const std::string text(in.rest());
  const std::string full = base.empty() ? path : base + "/" + path;
  const std::string name = full.substr(full.rfind('/') + 1);
  const app::IgnoreFile file(text, base);
  (void)file.match(full, name, false);
  (void)file.match(full, name, true);
  // Every line is read as a pattern and matched against the path, as a glob too.
  (void)app::git_wildmatch(text.substr(0, 200), full, true);
  (void)app::git_wildmatch(text.substr(0, 200), name, false);
  expect(app::git_wildmatch(full, full, true), "gitignore", "a plain path does not match itself");
  const app::IgnoreFile negated(text + "\n!/" + path + "\n", base);
  expect(negated.match(full, name, false) == app::IgnoreVerdict::kKept, "gitignore",
         "a last \"!/path\" line does not re-include the path");
  return 0;
}

}  // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::gitignore)
