// Model tests for the session/connection ownership analysis (sqla/sessions.cpp): which calls
// create a session or connection, and how the enclosing function releases it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "py/grammar.h"
#include "sqla/facts.h"
#include "sqla/sessions.h"
#include "tests/project_of.h"
#include "ts/tree.h"

namespace {

const char* const kHeader =
    "from contextlib import closing\n"
    "from sqlalchemy import create_engine\n"
    "from sqlalchemy.orm import Session, sessionmaker, scoped_session\n"
    "engine = create_engine('postgresql://h/db')\n"
    "SessionLocal = sessionmaker(bind=engine)\n";

using tests::project_of;

sqla::FileFacts facts_of(const std::string& body, const std::string& module = "app.db") {
  return std::move(project_of({{module, std::string(kHeader) + body}}).files[0]);
}

/// The release of the only session or connection the code creates.
std::string release_of(const std::string& body) {
  const sqla::FileFacts f = facts_of(body);
  REQUIRE(f.sessions.size() == 1);
  return std::string(sqla::release_name(f.sessions[0].release));
}

}  // namespace

TEST_CASE("sessions: how a session created in a function is released") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"def f():\n    with SessionLocal() as db:\n        db.execute(1)\n", "with"},
      {"async def f():\n    async with Session(engine) as db:\n        await db.execute(1)\n", "with"},
      {"def f():\n    with Session(engine).begin() as db:\n        db.execute(1)\n", "with"},
      {"def f():\n    db = SessionLocal()\n    with db:\n        db.execute(1)\n", "with"},
      {"def f():\n    db = SessionLocal()\n    try:\n        db.execute(1)\n    finally:\n        db.close()\n", "finally"},
      {"async def f():\n    db = Session(engine)\n    try:\n        await db.execute(1)\n    finally:\n        await db.close()\n",
       "finally"},
      {"def f():\n    db = SessionLocal()\n    db.execute(1)\n    db.close()\n", "happy-path-only"},
      {"def f():\n    db = SessionLocal()\n    db.close()\n", "unknown"},  // nothing used in between
      {"def f():\n    db = SessionLocal()\n    db.execute(1)\n", "never"},
      {"def f():\n    db = SessionLocal()\n    return 1\n", "unknown"},  // never used: no connection
      {"def f():\n    conn = engine.connect()\n", "never"},       // a connection is checked out at once
      {"def f():\n    return Session(engine).execute(1)\n", "throw-away"},
      {"def f():\n    engine.connect().execute(1)\n", "throw-away"},
      {"def f():\n    db = SessionLocal()\n    return db\n", "returned"},
      {"def f():\n    return SessionLocal()\n", "returned"},
      {"def f(self):\n    self.db = SessionLocal()\n", "stored"},
      {"def f(items):\n    db = SessionLocal()\n    items.append(db)\n    db.execute(1)\n", "passed"},
      {"def f():\n    db = SessionLocal()\n    other = db\n    other.execute(1)\n", "stored"},
      {"def f():\n    db = SessionLocal()\n    def g():\n        db.execute(1)\n    return g\n", "stored"},
      {"def f():\n    db = SessionLocal()\n    helper(db)\n    db.close()\n", "happy-path-only"},
      {"def f(reg):\n    db = SessionLocal()\n    reg(db.close)\n    db.execute(1)\n", "teardown"},
      {"def f():\n    with closing(engine.raw_connection()) as raw:\n        pass\n", "closing"},
      {"def f():\n    with engine.connect().execution_options(isolation_level='AUTOCOMMIT') as c:\n        pass\n", "with"},
      {"def f():\n    db = SessionLocal()\n    try:\n        db.execute(1)\n    except Exception:\n        db.close()\n        raise\n"
       "    db.close()\n",
       "except-and-after"},
  };
  for (const auto& [code, expected] : cases) {
    INFO(code);
    CHECK(release_of(code) == expected);
  }
}

TEST_CASE("sessions: what counts as a session or a connection") {
  const sqla::FileFacts f = facts_of(
      "Registry = scoped_session(SessionLocal)\n"
      "def f():\n"
      "    a = Registry()\n"           // a scoped_session registry: not a session
      "    b = SessionLocal()\n"
      "    c = Session(engine)\n"
      "    d = engine.connect()\n"
      "    e = engine.raw_connection()\n"
      "    g = sessionmaker(bind=engine)\n"  // a factory
      "    h = other.connect()\n");    // not an engine of this project
  REQUIRE(f.sessions.size() == 4);
  CHECK(f.sessions[0].name == "b");
  CHECK_FALSE(f.sessions[0].connection);
  CHECK(f.sessions[1].name == "c");
  CHECK(f.sessions[2].connection);
  CHECK(f.sessions[3].connection);
  CHECK(f.sessions[3].callee == "engine.raw_connection");
}

TEST_CASE("sessions: generators that yield the session") {
  const sqla::FileFacts f = facts_of(
      "def a():\n    db = SessionLocal()\n    yield db\n    db.close()\n"
      "def b():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()\n"
      "def c():\n    with SessionLocal() as db:\n        yield db\n"
      "import pytest\n@pytest.fixture\ndef d():\n    db = SessionLocal()\n    yield db\n    db.close()\n");
  REQUIRE(f.sessions.size() == 4);
  CHECK(f.sessions[0].in_generator);
  CHECK(f.sessions[0].yielded);
  CHECK(f.sessions[0].release == sqla::Release::kHappyPathOnly);
  CHECK(f.sessions[1].yielded);
  CHECK(f.sessions[1].release == sqla::Release::kFinally);
  CHECK(f.sessions[2].release == sqla::Release::kWith);
  CHECK(f.sessions[3].test_fixture);
}

TEST_CASE("sessions: module level, scripts and tests") {
  const sqla::FileFacts f = facts_of("session = Session(engine)\nclass C:\n    s = SessionLocal()\n");
  REQUIRE(f.sessions.size() == 2);
  CHECK(f.sessions[0].module_level);
  CHECK(f.sessions[0].name == "session");
  CHECK_FALSE(f.sessions[1].module_level);  // a class body
  CHECK_FALSE(f.is_script);
  CHECK(facts_of("s = Session(engine)\nif __name__ == '__main__':\n    print(1)\n").is_script);
  CHECK_FALSE(facts_of("import fastapi\ns = Session(engine)\nif __name__ == '__main__':\n    print(1)\n").is_script);
  CHECK(facts_of("s = Session(engine)\n", "scripts.load").is_script);
}

TEST_CASE("sessions: a factory or an engine of another module is confirmed at project phase") {
  const sqla::ProjectFacts p = project_of({
      {"app.database", kHeader},
      {"app.deps",
       "from app.database import SessionLocal, engine\n"
       "from app import database\n"
       "from mylib import session_maker\n"
       "def a():\n    db = SessionLocal()\n    yield db\n"
       "def b():\n    db = database.SessionLocal()\n    yield db\n"
       "def c():\n    conn = engine.connect()\n    yield conn\n"
       "def d():\n    db = session_maker()\n    yield db\n"},
  });
  const sqla::FileFacts& deps = p.files[1];
  REQUIRE(deps.sessions.size() == 4);
  CHECK(deps.sessions[0].confirmed);
  CHECK(deps.sessions[1].confirmed);
  CHECK(deps.sessions[2].confirmed);
  CHECK(deps.sessions[2].connection);
  CHECK_FALSE(deps.sessions[3].confirmed);  // a library name that is not SQLAlchemy's
}

TEST_CASE("sessions: autocommit=True, also through **kwargs; autocommit=False never") {
  const sqla::FileFacts f = facts_of(
      "A = sessionmaker(bind=engine, autocommit=True)\n"
      "OPTS = {'autocommit': True}\n"
      "B = sessionmaker(**OPTS)\n"
      "C = sessionmaker(autocommit=False, autoflush=False, bind=engine)\n"
      "def f(flag):\n    return Session(engine, autocommit=flag)\n");
  REQUIRE(f.session_autocommit.size() == 2);
  CHECK(f.session_autocommit[0].callee == "sessionmaker");
  CHECK(f.session_autocommit[1].via == "**OPTS");
}

TEST_CASE("sessions: commits in finally, and yields inside a try that swallows errors") {
  const sqla::FileFacts f = facts_of(
      "def a():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.commit()\n        db.close()\n"
      "def b():\n    db = SessionLocal()\n    try:\n        yield db\n        db.commit()\n    finally:\n        db.close()\n"
      "def c():\n    db = SessionLocal()\n    try:\n        yield db\n    except:\n        pass\n    db.commit()\n    db.close()\n"
      "def d():\n    db = SessionLocal()\n    try:\n        yield db\n    except Exception:\n        db.rollback()\n        raise\n"
      "    db.close()\n");
  REQUIRE(f.sessions.size() == 4);
  CHECK(f.sessions[0].commit_in_finally.valid());
  CHECK_FALSE(f.sessions[0].commit_after_except);
  CHECK_FALSE(f.sessions[1].commit_in_finally.valid());
  CHECK(f.sessions[2].commit_in_finally.valid());
  CHECK(f.sessions[2].commit_after_except);
  CHECK(f.sessions[2].release == sqla::Release::kExceptAndHappy);  // the close after `except: pass` runs
  CHECK(f.sessions[3].release == sqla::Release::kHappyPathOnly);   // re-raised: the close is skipped
}

TEST_CASE("sessions: `with f()` on project functions") {
  const sqla::ProjectFacts p = project_of({
      {"app.deps",
       "from contextlib import contextmanager\n"
       "def gen():\n    yield 1\n"
       "async def agen():\n    yield 1\n"
       "@contextmanager\ndef cm():\n    yield 1\n"
       "def plain():\n    return 1\n"
       "def use():\n    with gen():\n        pass\n    with cm():\n        pass\n    with plain():\n        pass\n"},
      {"app.tasks", "from app.deps import agen, cm\nasync def t():\n    async with agen():\n        pass\n    async with cm():\n        pass\n"},
  });
  const auto& deps = p.files[0].with_calls;
  REQUIRE(deps.size() == 3);
  CHECK(deps[0].plain_generator);
  CHECK_FALSE(deps[1].plain_generator);
  CHECK_FALSE(deps[2].plain_generator);
  const auto& tasks = p.files[1].with_calls;
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].plain_generator);
  CHECK(tasks[0].async_generator);
  CHECK(tasks[0].async_with);
  CHECK_FALSE(tasks[1].plain_generator);
}

TEST_CASE("sessions: begin() outside with acquires nothing; __main__ blocks are scripts") {
  CHECK(release_of("def f():\n    t = engine.begin()\n    t.execute(1)\n") == "unknown");
  const sqla::FileFacts f = facts_of("if __name__ == '__main__':\n    s = Session(engine)\n");
  REQUIRE(f.sessions.size() == 1);
  CHECK_FALSE(f.sessions[0].module_level);
}

TEST_CASE("sessions: a Session bound to a caller's connection owns no pooled connection") {
  const sqla::FileFacts f = facts_of(
      "def a(connection):\n    s = Session(bind=connection)\n    s.execute(1)\n"
      "def b():\n    s = Session(engine)\n    s.execute(1)\n"
      "def c(conn):\n    s = SessionLocal(bind=conn)\n    s.execute(1)\n");
  REQUIRE(f.sessions.size() == 3);
  CHECK(f.sessions[0].foreign_bind);
  CHECK_FALSE(f.sessions[1].foreign_bind);
  CHECK(f.sessions[2].foreign_bind);
}

TEST_CASE("entry points: what runs per request, invocation or task, and what is cached") {
  const sqla::ProjectFacts p = project_of(
      {{"app.deps",
        "from functools import lru_cache\n"
        "from sqlalchemy import create_engine\n"
        "@lru_cache\n"
        "def get_engine():\n    return create_engine('postgresql://h/db')\n"
        "def get_db():\n    yield 1\n"
        "_e = None\n"
        "def memo():\n    global _e\n    return _e\n"},
       {"app.api",
        "from typing import Annotated\n"
        "from fastapi import APIRouter, Depends\n"
        "from celery import shared_task\n"
        "from app.deps import get_db\n"
        "router = APIRouter()\n"
        "Db = Annotated[int, Depends(get_db)]\n"
        "@router.get('/x')\n"
        "def route(db: Db):\n    return db\n"
        "@shared_task\n"
        "def job():\n    return 1\n"
        "def handler(event, context):\n    return event\n"
        "def plain(a, b):\n    return a\n"}});
  const sqla::EntryPointFacts& deps = p.files[0].entry;
  const sqla::EntryPointFacts& api = p.files[1].entry;
  CHECK(deps.cached("get_engine"));
  CHECK(deps.cached("memo"));
  CHECK_FALSE(deps.cached("get_db"));
  REQUIRE(deps.find("get_db") != nullptr);  // Depends(get_db) in another module, inside Annotated
  CHECK(deps.find("get_db")->kind == sqla::EntryKind::kDependency);
  REQUIRE(api.find("route") != nullptr);
  CHECK(api.find("route")->kind == sqla::EntryKind::kRoute);
  REQUIRE(api.find("job") != nullptr);
  CHECK(api.find("job")->kind == sqla::EntryKind::kTask);
  REQUIRE(api.find("handler") != nullptr);
  CHECK(api.find("handler")->kind == sqla::EntryKind::kLambda);
  CHECK(api.find("plain") == nullptr);
  CHECK(deps.find("get_engine") == nullptr);
}

TEST_CASE("sessions: a project helper that returns a new Session hands ownership to its caller") {
  const sqla::FileFacts f = facts_of(
      "def get_session():\n    return SessionLocal()\n"
      "def handler():\n    db = get_session()\n    db.execute(1)\n"
      "def recipe(connection):\n    return Session(bind=connection)\n"
      "def test_like(connection):\n    s = recipe(connection)\n    s.execute(1)\n");
  std::vector<std::string> seen;
  for (const sqla::SessionUse& u : f.sessions) seen.push_back(u.callee + "@" + u.function + "=" + std::string(sqla::release_name(u.release)));
  CHECK(std::find(seen.begin(), seen.end(), "get_session@handler=never") != seen.end());
  // Session(bind=connection): the caller's connection; the helper's result is not tracked.
  CHECK(std::none_of(seen.begin(), seen.end(), [](const std::string& s) { return s.rfind("recipe@", 0) == 0; }));
}

TEST_CASE("pytest fixtures: a close after the yield is the teardown; a wide-scope set-up runs once") {
  const std::string fixture = "import pytest\n@pytest.fixture\n";
  CHECK(release_of(fixture + "def db():\n    c = engine.connect()\n    t = c.begin()\n    yield\n    t.rollback()\n"
                             "    c.close()\n") == "teardown");
  // A test function is not resumed after a failure.
  CHECK(release_of("def test_x():\n    c = engine.connect()\n    c.execute(1)\n    yield\n    c.close()\n") ==
        "happy-path-only");
  // A return in the teardown skips the close.
  CHECK(release_of(fixture + "def db(r):\n    c = engine.connect()\n    c.execute(1)\n    yield\n"
                             "    if r:\n        return\n    c.close()\n") == "happy-path-only");
  auto only = [](const std::string& body) {
    const sqla::FileFacts f = facts_of(body);
    REQUIRE(f.sessions.size() == 1);
    return f.sessions[0];
  };
  const auto once = only("import pytest\n@pytest.fixture(scope='session', autouse=True)\n"
                         "def setup():\n    c = engine.connect()\n    c.execute(1)\n    c.close()\n    yield\n");
  CHECK(once.test_fixture);
  CHECK(once.release == sqla::Release::kHappyPathOnly);
  CHECK(once.setup_once);
  // loop_scope is not the fixture's scope; function scope reruns the set-up for every test.
  CHECK_FALSE(only("import pytest\n@pytest.fixture(loop_scope='session')\n"
                   "def setup():\n    c = engine.connect()\n    c.execute(1)\n    c.close()\n    yield\n")
                  .setup_once);
  CHECK_FALSE(only("import pytest\n@pytest.fixture(scope=pick)\n"
                   "def setup():\n    c = engine.connect()\n    c.execute(1)\n    c.close()\n    yield\n")
                  .setup_once);
}

TEST_CASE("a Session made with no bind is unbound unless the function binds it") {
  auto only = [](const std::string& body) {
    const sqla::FileFacts f = facts_of(body);
    REQUIRE(f.sessions.size() == 1);
    return f.sessions[0];
  };
  CHECK(only("def f(o):\n    s = Session()\n    s.add(o)\n    return list(s.new)\n").unbound);
  CHECK_FALSE(only("def f(o):\n    s = Session()\n    s.bind = engine\n    s.add(o)\n").unbound);
  CHECK_FALSE(only("def f(o):\n    s = Session(engine)\n    s.add(o)\n").unbound);
  CHECK_FALSE(only("def f(o, **kw):\n    s = Session(**kw)\n    s.add(o)\n").unbound);
  CHECK_FALSE(only("def f(o):\n    s = SessionLocal()\n    s.add(o)\n").unbound);
}

TEST_CASE("ownership: passing a session lends it; a callee owns it only when it closes or keeps it") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // A library call borrows it (Alembic's MigrationContext.configure, pandas.read_sql).
      {"from alembic.migration import MigrationContext\n"
       "def f():\n    conn = engine.connect()\n    ctx = MigrationContext.configure(conn)\n    return ctx.x()\n",
       "never"},
      {"from alembic.migration import MigrationContext\n"
       "def f():\n    conn = engine.connect()\n    return MigrationContext.configure(connection=conn).x()\n",
       "never"},
      // A project function that only reads it, by position or by keyword.
      {"def load(db_session):\n    return db_session.execute(1)\n"
       "def f():\n    db = SessionLocal()\n    return load(db_session=db)\n",
       "never"},
      // A project function that closes it in finally, a `with`, or two calls down.
      {"def close_it(db):\n    try:\n        db.execute(1)\n    finally:\n        db.close()\n"
       "def f():\n    db = SessionLocal()\n    close_it(db)\n",
       "passed"},
      {"def use(x, db):\n    with db:\n        db.execute(x)\n"
       "def f():\n    db = SessionLocal()\n    use(1, db=db)\n",
       "passed"},
      {"def close_it(db):\n    db.close()\n"
       "def forward(s):\n    close_it(s)\n"
       "def f():\n    db = SessionLocal()\n    forward(db)\n",
       "passed"},
      // The wrong parameter: `close_it(x, db)` closes its first parameter, not the session.
      {"def close_it(a, b):\n    a.close()\n    b.execute(1)\n"
       "def f(x):\n    db = SessionLocal()\n    close_it(x, db)\n",
       "never"},
      // Kept: a project class's __init__, a method on self, a container, setattr, an exit stack.
      {"class Repo:\n    def __init__(self, session):\n        self.session = session\n"
       "def f():\n    db = SessionLocal()\n    repo = Repo(db)\n    return repo.x()\n",
       "passed"},
      {"class Svc:\n    def keep(self, s):\n        self.s = s\n"
       "    def start(self):\n        db = SessionLocal()\n        self.keep(db)\n",
       "passed"},
      {"def f(g):\n    db = SessionLocal()\n    setattr(g, 'db', db)\n    db.execute(1)\n", "passed"},
      {"def f(stack):\n    conn = engine.connect()\n    stack.enter_context(conn)\n    conn.execute(1)\n", "passed"},
      // A library class whose instance leaves the function may keep it; one that stays does not.
      {"from lib import Repository\ndef f():\n    db = SessionLocal()\n    return Repository(db)\n", "passed"},
      // Unnamed: given directly to a borrowing call, or to one that closes it.
      {"from pandas import read_sql\ndef f():\n    return read_sql('q', engine.connect())\n", "never"},
      {"def close_it(db):\n    db.close()\ndef f():\n    close_it(SessionLocal())\n", "passed"},
      // A close only in `except` leaves the normal path open.
      {"def f():\n    db = SessionLocal()\n    try:\n        db.execute(1)\n    except Exception:\n        db.close()\n"
       "        raise\n",
       "except-only"},
      {"def f():\n    db = SessionLocal()\n    try:\n        db.execute(1)\n    except:\n        db.close()\n", "except-only"},
  };
  for (const auto& [code, expected] : cases) {
    INFO(code);
    const sqla::FileFacts f = facts_of(code);
    REQUIRE(f.sessions.size() == 1);
    CHECK(sqla::release_name(f.sessions[0].release) == expected);
  }
}

TEST_CASE("ownership: another module's function owns the session only when it closes or keeps that parameter") {
  const sqla::ProjectFacts p = project_of({
      {"app.database", kHeader},
      {"app.services",
       "def purge(db):\n    try:\n        db.execute(1)\n    finally:\n        db.close()\n"
       "def count(db_session):\n    return db_session.execute(1)\n"
       "class Repo:\n    def __init__(self, session):\n        self.session = session\n"},
      {"app.jobs",
       "from app.database import SessionLocal\n"
       "from app import services\n"
       "from app.services import purge, count, Repo\n"
       "def a():\n    db = SessionLocal()\n    purge(db)\n"
       "def b():\n    db = SessionLocal()\n    count(db_session=db)\n"
       "def c():\n    db = SessionLocal()\n    services.purge(db)\n"
       "def d():\n    db = SessionLocal()\n    r = Repo(db)\n    r.x()\n"
       "def e():\n    db = SessionLocal()\n    services.count(db)\n"},
  });
  const sqla::FileFacts& services = p.files[1];
  REQUIRE(services.parameter_custody.size() == 2);
  CHECK(services.parameter_custody[0].function == "purge");
  CHECK(services.parameter_custody[1].function == "Repo.__init__");
  CHECK(services.parameter_custody[1].index == 1);
  const sqla::FileFacts& jobs = p.files[2];
  REQUIRE(jobs.sessions.size() == 5);
  CHECK(jobs.sessions[0].release == sqla::Release::kPassed);
  CHECK(jobs.sessions[1].release == sqla::Release::kNever);
  CHECK(jobs.sessions[1].lent);
  CHECK(jobs.sessions[2].release == sqla::Release::kPassed);
  CHECK(jobs.sessions[3].release == sqla::Release::kPassed);
  CHECK(jobs.sessions[4].release == sqla::Release::kNever);
}

TEST_CASE("registry references: the same registry through imports, and how each use ends") {
  using Kind = sqla::RegistryReference::Kind;
  const sqla::ProjectFacts p = project_of({
      {"app.db",
       std::string(kHeader) +
           "db_session = scoped_session(SessionLocal)\n"
           "def get_db():\n    db = db_session()\n    try:\n        yield db\n    finally:\n        db.close()\n"
           "def count():\n    return db_session.query(1).count()\n"},
      {"app.web",
       "from app.db import db_session\nfrom app import db\n"
       "def a():\n    with db_session() as s:\n        s.execute(1)\n"
       "def b():\n    db.db_session.remove()\n"
       "def c(items, x):\n    items.remove(x)\n"
       "def d(self):\n    self.db_session.remove()\n"},
  });
  auto kinds = [&](size_t file, const std::string& symbol) {
    std::vector<Kind> out;
    for (const sqla::RegistryReference& r : p.files[file].registry_references) {
      if (r.symbol == symbol) out.push_back(r.kind);
    }
    return out;
  };
  CHECK(kinds(0, "app.db.db_session") == std::vector<Kind>{Kind::kClosedCall, Kind::kOther});
  CHECK(kinds(1, "app.db.db_session") == std::vector<Kind>{Kind::kClosedCall, Kind::kRelease});
  // Unresolved receivers: `self.db_session.remove()` is recorded by its text; a list's remove(x) is not.
  const std::vector<Kind> unresolved = kinds(1, "");
  REQUIRE(unresolved.size() == 1);
  CHECK(unresolved[0] == Kind::kRelease);
}

TEST_CASE("autocommit=True stored in a dict passed on with **") {
  const sqla::FileFacts f = facts_of(
      "def a(engine, **kwargs):\n    kwargs['autocommit'] = True\n    return sessionmaker(bind=engine, **kwargs)\n"
      "def b(engine, **kw):\n    kw.setdefault('autocommit', True)\n    return Session(engine, **kw)\n"
      "def c(engine, **kw):\n    kw.update(autocommit=True)\n    return sessionmaker(**kw)\n"
      "def d(engine, **kw):\n    kw['autocommit'] = False\n    return sessionmaker(**kw)\n"
      "def e(engine, **kw):\n    f = sessionmaker(**kw)\n    kw['autocommit'] = True\n    return f\n");
  REQUIRE(f.session_autocommit.size() == 3);
  CHECK(f.session_autocommit[0].via == "**kwargs");
  CHECK(f.session_autocommit[1].via == "**kw");
  CHECK(f.session_autocommit[2].callee == "sessionmaker");
}

TEST_CASE("commit in finally inside `with ... as session`") {
  const sqla::FileFacts f = facts_of(
      "def a():\n    with SessionLocal() as s:\n        try:\n            yield s\n        finally:\n            s.commit()\n"
      "def b():\n    with SessionLocal() as s:\n        try:\n            s.execute(1)\n            s.commit()\n"
      "        finally:\n            s.expunge_all()\n");
  REQUIRE(f.sessions.size() == 2);
  CHECK(f.sessions[0].release == sqla::Release::kWith);
  CHECK(f.sessions[0].commit_in_finally.valid());
  CHECK_FALSE(f.sessions[1].commit_in_finally.valid());
}

TEST_CASE("ownership: a Session left open by a one-shot CLI command is released at exit") {
  CHECK(release_of("import click\n@click.command()\ndef f():\n    db = SessionLocal()\n    db.execute(1)\n") ==
        "unknown");
  // A connection holds its transaction while the command goes on; a loop keeps the process running.
  CHECK(release_of("import click\n@click.command()\ndef f():\n    c = engine.connect()\n    c.execute(1)\n") == "never");
  CHECK(release_of("import click\n@click.command()\ndef f():\n    db = SessionLocal()\n    db.execute(1)\n"
                   "    while True:\n        pass\n") == "never");
}

TEST_CASE("ownership: a function a script's __main__ block runs is one-shot unless the block keeps running") {
  const std::string leak = "def init():\n    db = SessionLocal()\n    db.execute(1)\n";
  CHECK(release_of(leak + "if __name__ == '__main__':\n    init()\n") == "unknown");
  CHECK(release_of(leak + "if __name__ == '__main__':\n    init()\n    app.run()\n") == "never");
  CHECK(release_of(leak) == "never");
  // Through a module function the block runs (main() -> init()), unless that caller loops.
  CHECK(release_of(leak + "def main():\n    init()\nif __name__ == '__main__':\n    main()\n") == "unknown");
  CHECK(release_of(leak + "def main():\n    for x in y:\n        init()\nif __name__ == '__main__':\n    main()\n") ==
        "never");
  // A method of the same name, or a longer name, is not a call of init().
  CHECK(release_of(leak + "if __name__ == '__main__':\n    job.init()\n") == "never");
  CHECK(release_of(leak + "if __name__ == '__main__':\n    reinit()\n") == "never");
}
