// ts::Node::parent() answers from a per-tree index (src/ts/tree.cpp); it must give exactly what
// tree-sitter's own descent from the root gives, for every node, and stay right across trees
// that are freed and replaced (a new tree may reuse a freed tree's address).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "py/grammar.h"
#include "ts/tree.h"

namespace {

/// Checks every node's parent against tree-sitter's; returns how many nodes were checked.
size_t check_every_parent(ts::Node root) {
  size_t checked = 0;
  ts::walk_preorder(root, [&](ts::Node n) {
    const ts::Node expected = ts::slow_parent(n);
    const ts::Node got = n.parent();
    CHECK(static_cast<bool>(got) == static_cast<bool>(expected));
    if (got && expected) CHECK(got.identical(expected));
    ++checked;
    return true;
  });
  return checked;
}

ts::Tree parse(ts::Parser& parser, const std::string& source) { return parser.parse(source); }

}  // namespace

TEST_CASE("tree: the parent index gives tree-sitter's parent for every node") {
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  const std::string source =
      "import os\n"
      "from app.db import engine as e, Session\n"
      "@app.get('/x')\n"
      "async def handler(request, *args, db: Session = Depends(get_db), **kw) -> dict:\n"
      "    # a comment\n"
      "    with e.connect() as conn, open(f'{x!r:>4}') as f:\n"
      "        return [y async for y in conn.execute(text('select 1')) if y]\n"
      "class A(B, metaclass=M):\n"
      "    x: int = 1\n"
      "    def f(self): yield from (lambda: (yield))()\n"
      "match cmd:\n"
      "    case [1, *rest] | {'k': v}: pass\n"
      "    case _: print(a if b else c, *d, **e)\n"
      "x = (1 +\n 2) ; del x\n"
      "def broken(:\n";  // error recovery: ERROR nodes and missing fields
  const ts::Tree tree = parse(parser, source);
  const ts::Node root = tree.root();
  CHECK_FALSE(root.parent());
  CHECK(check_every_parent(root) > 100);
  CHECK_FALSE(ts::Node().parent());  // a null node has no parent
}

TEST_CASE("tree: parents stay right when trees are freed and new ones parsed") {
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  for (int round = 0; round < 20; ++round) {
    std::string source;
    for (int i = 0; i <= round; ++i) source += "def f" + std::to_string(i) + "(a):\n    return g(a, " + std::to_string(i) + ")\n";
    const ts::Tree tree = parse(parser, source);  // freed at the end of the round
    CHECK(check_every_parent(tree.root()) > 0);
  }
  // Two trees alive at once: each node finds its own tree's parent.
  const ts::Tree a = parse(parser, "x = f(1)\n");
  const ts::Tree b = parse(parser, "if y:\n    z = [x for x in w]\n");
  check_every_parent(a.root());
  check_every_parent(b.root());
  check_every_parent(a.root());
}

namespace {

/// The nodes a plain cursor walk visits (what walk_preorder did before its table), skipping the
/// subtrees `skip` names.
template <typename Skip>
std::vector<ts::Node> cursor_walk(ts::Node root, Skip&& skip) {
  std::vector<ts::Node> out;
  ts::Cursor cursor(root);
  while (true) {
    const ts::Node n = cursor.node();
    out.push_back(n);
    if (!skip(n) && cursor.goto_first_child()) continue;
    while (!cursor.goto_next_sibling()) {
      if (!cursor.goto_parent()) return out;
    }
  }
}

template <typename Skip>
std::vector<ts::Node> table_walk(ts::Node root, Skip&& skip) {
  std::vector<ts::Node> out;
  ts::walk_preorder(root, [&](ts::Node n) {
    out.push_back(n);
    return !skip(n);
  });
  return out;
}

void check_same_walk(const std::vector<ts::Node>& got, const std::vector<ts::Node>& expected) {
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i].identical(expected[i]));
}

}  // namespace

TEST_CASE("tree: walk_preorder visits what a cursor walk visits, from any node, skips included") {
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  const std::string source =
      "import os\n"
      "def f(a, *, b=1):  return g(a, [x async for x in y], {'k': (yield)})\n"
      "class A(B):\n"
      "    @d.e(1)\n"
      "    def m(self):\n"
      "        with open(p) as f, q(): pass  # note\n"
      "        return lambda: print(f'{x!r}', **kw)\n"
      "match c:\n"
      "    case [1, *r]: pass\n"
      "def broken(:\n";
  const ts::Tree tree = parse(parser, source);
  const auto none = [](ts::Node) { return false; };
  const auto calls = [](ts::Node n) { return std::string_view(n.type()) == "call"; };
  const std::vector<ts::Node> all = cursor_walk(tree.root(), none);
  CHECK(all.size() > 100);
  check_same_walk(table_walk(tree.root(), none), all);
  check_same_walk(table_walk(tree.root(), calls), cursor_walk(tree.root(), calls));
  for (const ts::Node& n : all) {  // every node as the root of a walk (bodies, arguments, leaves)
    check_same_walk(table_walk(n, none), cursor_walk(n, none));
    check_same_walk(table_walk(n, calls), cursor_walk(n, calls));
  }
  size_t visited = 0;
  ts::walk_preorder(ts::Node(), [&](ts::Node) { return ++visited > 0; });
  CHECK(visited == 0);
}

#include "core/source_file.h"
#include "py/module.h"

TEST_CASE("module: indexed lookups answer as the scans they replaced") {
  ts::Parser parser;
  REQUIRE(parser.set_language(py::Grammar::get().language()));
  const core::SourceFile source(
      "m.py",
      "import os\n"
      "X = 1\n"
      "def f(a):\n"
      "    def inner():\n"
      "        pass\n"
      "    return a\n"
      "class C:\n"
      "    def m(self):\n"
      "        pass\n"
      "def f(b):\n"  // redefined: the last definition wins
      "    return b\n"
      "X = 2\n");
  const ts::Tree tree = parser.parse(source.text());
  const auto m = py::Module::analyze(source, tree.root(), "m", false, nullptr);
  REQUIRE(m);
  // global(): the first binding of a name, as a scan of globals() finds it.
  for (const auto& [name, alts] : m->globals()) {
    const py::Alts* scanned = nullptr;
    for (const auto& [n, a] : m->globals()) {
      if (n == name) {
        scanned = &a;
        break;
      }
    }
    CHECK(m->global(name) == scanned);
  }
  CHECK(m->global("nothing") == nullptr);
  // top_level_function(): the last module-level definition; nested functions are not found.
  const py::FunctionInfo* f = m->top_level_function("f");
  REQUIRE(f);
  CHECK(f->parameters == std::vector<std::string>{"b"});
  CHECK(m->top_level_function("C.m"));
  CHECK(m->top_level_function("inner") == nullptr);
  CHECK(m->top_level_function("f.inner") == nullptr);
  // function_index(): every function found from its node; other nodes give -1.
  for (size_t i = 0; i < m->functions().size(); ++i) {
    CHECK(m->function_index(m->functions()[i].node) == static_cast<int>(i));
  }
  CHECK(m->function_index(tree.root()) == -1);
  CHECK(m->function_index(ts::Node()) == -1);
}
