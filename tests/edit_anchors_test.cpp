// The edit anchors (sqla/edit_anchors.h) and the edits built from them: keyword arguments dropped,
// added and replaced in a call's own layout, names spelled through the module's imports, and the
// statement-level plans of PA202 (try/finally) and PA403 (lifespan).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/source_file.h"
#include "py/grammar.h"
#include "sqla/facts.h"
#include "sqla/project_context.h"
#include "ts/tree.h"

namespace {

struct Analysed {
  std::string text;
  sqla::FileFacts facts;
};

Analysed analyze(const std::string& text, const char* path = "app/db.py") {
  core::SourceFile source{path, text};
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(source.text());
  return {text, sqla::analyze_python(source, tree.root(), "app.db", false, sqla::ProjectContext{})};
}

/// The text with the edits applied (back to front).
std::string apply(std::string text, std::vector<sqla::TextEdit> edits) {
  std::sort(edits.begin(), edits.end(), [](const auto& a, const auto& b) { return a.begin > b.begin; });
  for (const sqla::TextEdit& e : edits) text.replace(e.begin, e.end - e.begin, e.text);
  return text;
}

const sqla::CallLayout& engine_call(const Analysed& a, size_t index = 0) {
  REQUIRE(a.facts.engines.size() > index);
  const sqla::CallLayout* call = a.facts.anchors.call_at(a.facts.engines[index].where.range.begin);
  REQUIRE(call != nullptr);
  return *call;
}

std::string edited(const Analysed& a, const std::vector<std::string>& drop, std::string_view set = {},
                   std::string_view value = {}, size_t index = 0) {
  const auto edits = sqla::keyword_edits(engine_call(a, index), drop, set, value);
  REQUIRE(edits.has_value());
  return apply(a.text, *edits);
}

}  // namespace

TEST_CASE("edit anchors: an engine call's arguments as written, with positions") {
  const Analysed a = analyze("from sqlalchemy import create_engine\nengine = create_engine(\n    URL,  # the url\n"
                             "    pool_size=5, **extra,\n)\n");
  const sqla::CallLayout& call = engine_call(a);
  REQUIRE(call.args.size() == 3);
  CHECK(call.args[0].name.empty());
  CHECK(call.args[1].name == "pool_size");
  CHECK(a.text.substr(call.args[1].value_begin, call.args[1].value_end - call.args[1].value_begin) == "5");
  CHECK(call.args[2].name == "**");
  CHECK(call.comments.size() == 1);
  CHECK(call.args[1].at == core::Position{4, 5});
  CHECK(call.position(call.args[1].begin) == core::Position{4, 5});
  CHECK(call.position(call.begin) == call.open);
}

TEST_CASE("keyword edits: dropped keywords take their own line, or their separating comma") {
  const Analysed lines = analyze(
      "from sqlalchemy import create_engine\nengine = create_engine(\n    URL,\n    pool_size=5,  # sized\n"
      "    echo=True,\n    max_overflow=2\n)\n");
  CHECK(edited(lines, {"pool_size", "max_overflow"}) ==
        "from sqlalchemy import create_engine\nengine = create_engine(\n    URL,\n    echo=True,\n)\n");
  const Analysed inline_ = analyze("from sqlalchemy import create_engine\ne = create_engine(URL, pool_size=5, max_overflow=2, echo=True)\n");
  CHECK(edited(inline_, {"pool_size", "max_overflow"}) ==
        "from sqlalchemy import create_engine\ne = create_engine(URL, echo=True)\n");
  CHECK(edited(inline_, {"echo"}) == "from sqlalchemy import create_engine\ne = create_engine(URL, pool_size=5, max_overflow=2)\n");
  const Analysed first = analyze("from sqlalchemy import create_engine\ne = create_engine(pool_size=5, url=URL)\n");
  CHECK(edited(first, {"pool_size"}) == "from sqlalchemy import create_engine\ne = create_engine(url=URL)\n");
  const Analysed only = analyze("from sqlalchemy import create_engine\ne = create_engine(url=URL, pool_size=5,)\n");
  CHECK(edited(only, {"url", "pool_size"}) == "from sqlalchemy import create_engine\ne = create_engine()\n");
  // A keyword the call does not write: no edit.
  CHECK_FALSE(sqla::keyword_edits(engine_call(only), {"echo"}).has_value());
}

TEST_CASE("keyword edits: a keyword set replaces a value, a dropped keyword, or is appended in the layout") {
  const Analysed replace = analyze("from sqlalchemy import create_engine\ne = create_engine(URL, poolclass=QP, pool_size=5)\n");
  CHECK(edited(replace, {"pool_size"}, "poolclass", "NullPool") ==
        "from sqlalchemy import create_engine\ne = create_engine(URL, poolclass=NullPool)\n");
  const Analysed in_place = analyze("from sqlalchemy import create_engine\ne = create_engine(\n    URL,\n    pool_size=5,\n    max_overflow=1,\n)\n");
  CHECK(edited(in_place, {"pool_size", "max_overflow"}, "poolclass", "NullPool") ==
        "from sqlalchemy import create_engine\ne = create_engine(\n    URL,\n    poolclass=NullPool,\n)\n");
  const Analysed multiline = analyze("from sqlalchemy import create_engine\ne = create_engine(\n    URL,\n    echo=True  # loud\n)\n");
  CHECK(edited(multiline, {}, "poolclass", "NullPool") ==
        "from sqlalchemy import create_engine\ne = create_engine(\n    URL,\n    echo=True,  # loud\n    poolclass=NullPool,\n)\n");
  const Analysed single = analyze("from sqlalchemy import create_engine\ne = create_engine(URL)\n");
  CHECK(edited(single, {}, "poolclass", "NullPool") ==
        "from sqlalchemy import create_engine\ne = create_engine(URL, poolclass=NullPool)\n");
  const Analysed hugging = analyze("from sqlalchemy import create_engine\ne = create_engine(\n    URL,\n    echo=True)\n");
  CHECK(edited(hugging, {}, "poolclass", "NullPool") ==
        "from sqlalchemy import create_engine\ne = create_engine(\n    URL,\n    echo=True, poolclass=NullPool)\n");
}

TEST_CASE("keyword edits: a comment between arguments is never removed with one") {
  const Analysed a = analyze("from sqlalchemy import create_engine\ne = create_engine(URL,\n  # keep me\n  pool_size=5)\n");
  CHECK_FALSE(sqla::keyword_edits(engine_call(a), {"pool_size"}).has_value());
}

TEST_CASE("spell: a name through the module's imports, or an import added above its use") {
  const Analysed a = analyze(
      "import os\nimport sqlalchemy as sa\nfrom sqlalchemy import pool\nfrom sqlalchemy.pool import NullPool as NP\n"
      "e = sa.create_engine(URL)\n");
  const uint32_t use = static_cast<uint32_t>(a.text.find("e = "));
  CHECK(sqla::spell(a.facts.anchors, "sqlalchemy.pool.NullPool", use)->text == "NP");
  CHECK(sqla::spell(a.facts.anchors, "sqlalchemy.pool.QueuePool", use)->text == "pool.QueuePool");
  const Analysed b = analyze("import os\nimport sqlalchemy as sa\ne = sa.create_engine(URL)\n");
  const auto through_package = sqla::spell(b.facts.anchors, "sqlalchemy.pool.NullPool", static_cast<uint32_t>(b.text.find("e = ")));
  REQUIRE(through_package);
  CHECK(through_package->text == "sa.pool.NullPool");
  CHECK_FALSE(through_package->import);
  const Analysed c = analyze("from sqlalchemy import create_engine\nimport os\n\ne = create_engine(URL)\n");
  const auto added = sqla::spell(c.facts.anchors, "sqlalchemy.pool.NullPool", static_cast<uint32_t>(c.text.find("e = ")));
  REQUIRE(added);
  CHECK(added->text == "NullPool");
  REQUIRE(added->import);
  // After the import of the same package, at the start of the next line.
  CHECK(apply(c.text, {*added->import}) ==
        "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\nimport os\n\ne = create_engine(URL)\n");
  CHECK(added->import->range.begin == core::Position{2, 1});
  // The name means something else: no spelling.
  const Analysed d = analyze("from sqlalchemy import create_engine\nNullPool = object()\ne = create_engine(URL)\n");
  CHECK_FALSE(sqla::spell(d.facts.anchors, "sqlalchemy.pool.NullPool", static_cast<uint32_t>(d.text.find("e = "))));
  // An import below the use does not serve it.
  const Analysed e = analyze("e = create_engine(URL)\nfrom sqlalchemy import create_engine\n");
  CHECK_FALSE(sqla::spell(e.facts.anchors, "sqlalchemy.pool.NullPool", 0));
}

TEST_CASE("with blocks: where a statement after `async with engine.connect()` goes (Alembic env.py)") {
  const std::string text =
      "from alembic import context\nfrom sqlalchemy.ext.asyncio import create_async_engine\nasync def run():\n"
      "    engine = create_async_engine(URL)\n    async with engine.connect() as conn:\n"
      "        await conn.run_sync(go)  # migrate\n\n    print('done')\n";
  // Only env.py needs them: other files are not walked for them.
  CHECK(analyze(text).facts.anchors.with_blocks.empty());
  const Analysed a = analyze(text, "migrations/env.py");
  REQUIRE(a.facts.anchors.with_blocks.size() == 1);
  const sqla::BlockEnd& b = a.facts.anchors.with_blocks[0];
  CHECK(b.receiver == "engine");
  CHECK(b.method == "connect");
  CHECK(b.async_with);
  CHECK(b.in_async_function);
  CHECK(b.function == "run");
  CHECK(b.indent == "    ");
  CHECK(a.text.substr(b.insert_at, 4) == "\n   ");
  CHECK(b.insert_line == 7);
}

TEST_CASE("yield wraps: the yield and the rest of its block go into try, the close into finally") {
  const Analysed a = analyze(
      "from sqlalchemy.orm import sessionmaker\nSessionLocal = sessionmaker()\n\n"
      "def get_db():\n    db = SessionLocal()\n    yield db\n    db.commit()\n    db.close()\n\n"
      "def never():\n    db = SessionLocal()\n    yield db\n\n"
      "def twice():\n    db = SessionLocal()\n    yield db\n    yield db\n    db.close()\n");
  REQUIRE(a.facts.anchors.yield_wraps.size() == 2);
  std::vector<sqla::TextEdit> all;
  for (const auto& plan : a.facts.anchors.yield_wraps) all.insert(all.end(), plan.edits.begin(), plan.edits.end());
  CHECK(apply(a.text, all) ==
        "from sqlalchemy.orm import sessionmaker\nSessionLocal = sessionmaker()\n\n"
        "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n        db.commit()\n    finally:\n"
        "        db.close()\n\n"
        "def never():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()\n\n"
        "def twice():\n    db = SessionLocal()\n    yield db\n    yield db\n    db.close()\n");
}

TEST_CASE("yield wraps: an async generator awaits the close only when it awaits the object") {
  const Analysed a = analyze(
      "from sqlalchemy.orm import sessionmaker\nSessionLocal = sessionmaker()\n\n"
      "async def sync_session_in_async():\n    db = SessionLocal()\n    yield db\n");
  CHECK(a.facts.anchors.yield_wraps.empty());
}

TEST_CASE("lifespan plan: module-level handlers of one app move into a lifespan") {
  const Analysed a = analyze(
      "import contextlib\nfrom fastapi import FastAPI\n\napp = FastAPI(title='x')\n\n\n"
      "@app.on_event('startup')\ndef start():\n    init()\n\n\n@app.on_event('shutdown')\nasync def stop():\n"
      "    await engine.dispose()\n");
  REQUIRE(a.facts.anchors.lifespan);
  CHECK(apply(a.text, a.facts.anchors.lifespan->edits) ==
        "import contextlib\nfrom fastapi import FastAPI\n\n@contextlib.asynccontextmanager\nasync def lifespan(app):\n"
        "    start()\n    yield\n    await stop()\n\n\napp = FastAPI(title='x', lifespan=lifespan)\n\n\n"
        "def start():\n    init()\n\n\nasync def stop():\n    await engine.dispose()\n");
  // The tutorials' handler name is no reason to refuse; `app.router.on_startup` is.
  CHECK(analyze("from fastapi import FastAPI\napp = FastAPI()\n\n@app.on_event('startup')\ndef on_startup():\n"
                "    init()\n")
            .facts.anchors.lifespan);
  CHECK_FALSE(analyze("from fastapi import FastAPI\napp = FastAPI()\napp.router.on_startup.append(init)\n\n"
                      "@app.on_event('startup')\ndef start():\n    init()\n")
                  .facts.anchors.lifespan);
  // A handler of a router, or an app that already has a lifespan: no plan.
  CHECK_FALSE(analyze("from fastapi import FastAPI, APIRouter\nr = APIRouter()\napp = FastAPI()\n\n"
                      "@r.on_event('startup')\ndef start():\n    init()\n")
                  .facts.anchors.lifespan);
  CHECK_FALSE(analyze("from fastapi import FastAPI\napp = FastAPI(lifespan=ls)\n\n"
                      "@app.on_event('startup')\ndef start():\n    init()\n")
                  .facts.anchors.lifespan);
}
