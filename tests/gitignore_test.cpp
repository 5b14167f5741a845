// .gitignore as git reads it (app::GitIgnore, app::IgnoreFile, app::git_wildmatch): each rule of
// gitignore(5) pinned by hand, then a generated set of patterns and paths compared with
// `git check-ignore` itself.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/git_config.h"
#include "app/git_wildmatch.h"
#include "app/gitignore.h"
#include "app/gitignore_file.h"
#include "tests/cli_run.h"
#include "tests/temp_dir.h"

namespace fs = std::filesystem;
using app::IgnoreVerdict;

namespace {

struct WildCase {
  const char* pattern;
  const char* text;
  bool pathname;
  bool expected;
};

/// `file`'s verdict on a path ("a/b", its name "b").
IgnoreVerdict verdict(const app::IgnoreFile& file, const std::string& path, bool is_dir = false) {
  const std::string name = path.substr(path.rfind('/') + 1);
  return file.match(path, name, is_dir);
}

tests::CliResult git(const fs::path& dir, const std::string& args) {
  return tests::run_shell("git -C " + tests::shell_quote(dir.string()) + " " + args);
}

}  // namespace

TEST_CASE("gitignore: git's glob dialect") {
  const std::string many_a(60, 'a');
  const std::vector<WildCase> cases = {
      {"foo", "foo", true, true},
      {"foo", "fo", true, false},
      {"*", "foo/bar", true, false},   // one star stays in its component
      {"*", "foo/bar", false, true},   // ... unless matched against a name alone
      {"*/x", "a/x", true, true},
      {"*/x", "a/b/x", true, false},
      {"**/foo", "foo", true, true},   // leading **/: any depth, none included
      {"**/foo", "a/b/foo", true, true},
      {"a/**/b", "a/b", true, true},   // **/ in the middle: zero or more directories
      {"a/**/b", "a/x/y/b", true, true},
      {"a/**", "a/x/y", true, true},   // trailing /**: everything inside
      {"a/**", "a", true, false},
      {"a**b", "a/x/b", true, false},  // ** not a whole component: an ordinary star
      {"a**b", "axxb", true, true},
      {"a?b", "a/b", true, false},
      {"a?b", "axb", true, true},
      {"[a-c]x", "bx", true, true},
      {"[!a-c]x", "bx", true, false},
      {"[^a-c]x", "dx", true, true},
      {"[]]", "]", true, true},        // ']' first in a class is a member
      {"[]a]", "a", true, true},
      {"[a-]", "-", true, true},
      {"[[:digit:]]", "5", true, true},
      {"[[:digit:]x]", "x", true, true},
      {"[[:alpha:]]", "5", true, false},
      {"[[:nope:]]", "n", true, false},  // an unknown class matches nothing
      {"[[:digit]", "[", true, true},  // no ":]": the members '[', ':', 'd', ...
      {"a[/]b", "a/b", true, false},   // a class never matches '/' in a path
      {"\\*", "*", true, true},        // escapes
      {"\\*", "a", true, false},
      {"\\[a]", "[a]", true, true},
      {"foo\\", "foo", true, false},   // a trailing backslash matches nothing
      {"[a", "a", true, false},        // an unclosed class matches nothing
      {"*.py", ".py", true, true},
      {"*a*a*a*a*a*a*a*a*a*a*b", many_a.c_str(), true, false},  // fails fast, not in 2^n
  };
  for (const WildCase& c : cases) {
    INFO(std::string(c.pattern), " vs ", std::string(c.text));
    CHECK(app::git_wildmatch(c.pattern, c.text, c.pathname) == c.expected);
  }
}

TEST_CASE("gitignore: reading a .gitignore (negation, directories, anchoring, escapes, spaces)") {
  const app::IgnoreFile top(
      "\xEF\xBB\xBF"  // a BOM before the first pattern
      "# a comment\n"
      "\\#kept\n"
      "*.log\n"
      "!keep.log\n"
      "build/\n"
      "/root.txt\n"
      "docs/*.md\n"
      "trailing   \n"
      "escaped\\ \n"
      "crlf.txt\r\n"
      "\\!bang\n"
      "last",  // no final newline
      "");
  CHECK(verdict(top, "#kept") == IgnoreVerdict::kIgnored);
  CHECK(verdict(top, "# a comment") == IgnoreVerdict::kNone);
  CHECK(verdict(top, "a/b/x.log") == IgnoreVerdict::kIgnored);  // no slash: any depth
  CHECK(verdict(top, "a/keep.log") == IgnoreVerdict::kKept);     // the last matching line wins
  CHECK(verdict(top, "build", true) == IgnoreVerdict::kIgnored);
  CHECK(verdict(top, "build", false) == IgnoreVerdict::kNone);   // "build/": directories only
  CHECK(verdict(top, "x/build", true) == IgnoreVerdict::kIgnored);
  CHECK(verdict(top, "root.txt") == IgnoreVerdict::kIgnored);    // leading '/': at the root only
  CHECK(verdict(top, "a/root.txt") == IgnoreVerdict::kNone);
  CHECK(verdict(top, "docs/a.md") == IgnoreVerdict::kIgnored);   // a middle '/' anchors too
  CHECK(verdict(top, "x/docs/a.md") == IgnoreVerdict::kNone);
  CHECK(verdict(top, "docs/a/b.md") == IgnoreVerdict::kNone);
  CHECK(verdict(top, "trailing") == IgnoreVerdict::kIgnored);    // trailing spaces dropped
  CHECK(verdict(top, "escaped ") == IgnoreVerdict::kIgnored);    // ... unless escaped
  CHECK(verdict(top, "escaped") == IgnoreVerdict::kNone);
  CHECK(verdict(top, "crlf.txt") == IgnoreVerdict::kIgnored);
  CHECK(verdict(top, "!bang") == IgnoreVerdict::kIgnored);
  CHECK(verdict(top, "last") == IgnoreVerdict::kIgnored);
  // A nested file's anchored patterns are relative to its own directory.
  const app::IgnoreFile nested("/here.py\nsub/*.py\n", "pkg");
  CHECK(verdict(nested, "pkg/here.py") == IgnoreVerdict::kIgnored);
  CHECK(verdict(nested, "here.py") == IgnoreVerdict::kNone);
  CHECK(verdict(nested, "pkg/sub/a.py") == IgnoreVerdict::kIgnored);
  CHECK(verdict(nested, "other/sub/a.py") == IgnoreVerdict::kNone);
  CHECK(app::IgnoreFile("\n\n#\n   \n!\n/\n", "").empty());
}

TEST_CASE("gitignore: core.excludesFile from a git config file") {
  CHECK(app::config_excludes_file("[core]\n\texcludesFile = ~/.gitignore_global\n") == "~/.gitignore_global");
  CHECK(app::config_excludes_file("[Core]\nEXCLUDESFILE=\"/a b/x\" ; comment\n") == "/a b/x");
  CHECK(app::config_excludes_file("[core] excludesfile = /one\n[core]\nexcludesfile = /two # c\n") == "/two");
  CHECK(!app::config_excludes_file("[core \"sub\"]\nexcludesfile = /x\n[user]\nexcludesfile = /y\n"));
  CHECK(!app::config_excludes_file("[core]\nbare\n"));
}

TEST_CASE("gitignore: nested files, info/exclude, core.excludesFile, excluded directories") {
  tests::TempDir dir;
  const fs::path root = dir.path();
  REQUIRE(git(root, "init -q .").code == 0);
  dir.write(".gitignore", "*.gen.py\nvendor/\nlogs/*\n!logs/keep.py\n");
  dir.write("pkg/.gitignore", "!special.gen.py\n/local.py\n");
  dir.write("pkg/deep/.gitignore", "*.py\n");
  dir.write(".git/info/exclude", "secret.py\n!pkg/deep/open.py\n");
  dir.write("excludes", "global.py\n*.gen.py\n!info.py\n");
  REQUIRE(git(root, "config core.excludesFile " + tests::shell_quote((root / "excludes").string())).code == 0);
  for (const char* f : {"a.gen.py", "pkg/special.gen.py", "pkg/local.py", "pkg/x/local.py", "pkg/deep/open.py",
                        "vendor/lib.py", "logs/keep.py", "secret.py", "global.py", "sub/info.py"}) {
    dir.write(f, "");
  }
  app::GitIgnore ignore;
  auto ignored = [&](const std::string& p) { return ignore.ignored(root / p); };
  CHECK(ignored("a.gen.py"));
  CHECK(!ignored("pkg/special.gen.py"));  // a deeper file overrides a shallower one
  CHECK(ignored("pkg/local.py"));
  CHECK(!ignored("pkg/x/local.py"));      // anchored to pkg/
  CHECK(ignored("pkg/deep/open.py"));     // .gitignore files beat info/exclude
  CHECK(ignored("vendor"));
  CHECK(ignored("vendor/lib.py"));        // below an ignored directory
  CHECK(!ignored("logs/keep.py"));        // logs/ itself is not ignored, only what is in it
  CHECK(ignored("secret.py"));            // info/exclude
  CHECK(ignored("global.py"));            // core.excludesFile
  CHECK(!ignored("sub/info.py"));
  // A negation cannot bring back a file inside an excluded directory.
  dir.write("out/.gitignore", "!*\n");
  dir.write("out/x.py", "");
  dir.write(".gitignore", "out/\n!out/x.py\n");
  app::GitIgnore fresh;
  CHECK(fresh.ignored(root / "out/x.py"));
  CHECK(fresh.ignored(root / "out/x.py", false));
  // A repository inside another one has its own rules.
  dir.write("inner/.gitignore", "own.py\n");
  dir.write("inner/own.py", "");
  dir.write("inner/a.gen.py", "");
  REQUIRE(git(root / "inner", "init -q .").code == 0);
  app::GitIgnore nested;
  CHECK(nested.ignored(root / "inner/own.py"));
  CHECK(!nested.ignored(root / "inner/a.gen.py"));
  // Outside any repository nothing is ignored.
  tests::TempDir plain;
  plain.write(".gitignore", "*\n");
  plain.write("a.py", "");
  CHECK(!app::GitIgnore().ignored(plain.path() / "a.py"));
}

TEST_CASE("gitignore: generated patterns agree with git check-ignore") {
  tests::TempDir dir;
  const fs::path root = dir.path();
  REQUIRE(git(root, "init -q .").code == 0);
  REQUIRE(git(root, "config core.excludesFile " + tests::shell_quote((root / ".git/no-such-file").string())).code == 0);
  // Paths: every combination of a few directories and names, as files and as directories.
  const std::vector<std::string> dirs = {"", "a/", "b/", "a/b/", "a/c/", "sub/", "sub/a/", "sub/a/b/", "x y/"};
  const std::vector<std::string> names = {"a", "b", "ab", "x.py", "y.txt", "a.py", "[x]", "b c", "!n", "#h"};
  std::vector<std::string> paths;
  for (const std::string& d : dirs) {
    for (const std::string& n : names) {
      // "a" and "b" are directories where dirs uses them, files elsewhere.
      const std::string p = d + n;
      bool is_dir = false;
      for (const std::string& other : dirs) is_dir = is_dir || other == p + "/";
      if (!is_dir) dir.write(p, "");
      paths.push_back(p);
    }
  }
  const std::vector<std::string> pieces = {"a", "b", "*", "**", "?", "x.py", "*.py", "[ab]", "[!a]", "[a-c]", "\\[x]",
                                           "ab", "y.*", "b\\ c", "\\!n", "\\#h", "[[:alpha:]]"};
  std::mt19937 random(16);
  auto pick = [&](size_t n) { return static_cast<size_t>(random() % n); };
  auto pattern = [&] {
    std::string p = pick(4) == 0 ? "!" : "";
    if (pick(4) == 0) p += "/";
    const size_t parts = 1 + pick(3);
    for (size_t i = 0; i < parts; ++i) p += (i ? "/" : "") + pieces[pick(pieces.size())];
    if (pick(4) == 0) p += "/";
    if (pick(8) == 0) p += "  ";
    return p;
  };
  size_t ignored_by_git = 0;
  size_t asked = 0;
  for (int round = 0; round < 24; ++round) {
    INFO("round ", round);
    for (const char* file : {".gitignore", "a/.gitignore", "sub/.gitignore", "sub/a/.gitignore", ".git/info/exclude"}) {
      std::string text;
      for (size_t i = 0, n = 2 + pick(8); i < n; ++i) text += pattern() + "\n";
      dir.write(file, text);
    }
    std::string list;
    for (const std::string& p : paths) list += " " + tests::shell_quote(p);
    const tests::CliResult checked = git(root, "check-ignore --no-index --" + list);
    INFO(checked.err);
    REQUIRE(checked.code <= 1);
    CHECK(checked.err.empty());
    std::set<std::string> by_git;
    std::istringstream lines(checked.out);
    for (std::string line; std::getline(lines, line);) by_git.insert(line);
    ignored_by_git += by_git.size();
    asked += paths.size();
    app::GitIgnore ignore;
    for (const std::string& p : paths) {
      INFO(p, "\n", tests::slurp(root / ".gitignore"), "--\n", tests::slurp(root / "a/.gitignore"), "--\n",
           tests::slurp(root / "sub/.gitignore"), "--\n", tests::slurp(root / "sub/a/.gitignore"), "--\n",
           tests::slurp(root / ".git/info/exclude"));
      CHECK(ignore.ignored(root / p) == (by_git.count(p) != 0));
    }
  }
  // The generated rules must decide both ways often for the comparison to say anything.
  CHECK(ignored_by_git > asked / 5);
  CHECK(ignored_by_git < asked * 4 / 5);
}
