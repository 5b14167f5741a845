# How each session / connection created in a function is released (sqla/sessions.cpp).
from contextlib import asynccontextmanager, closing, contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("postgresql://app@db/app")
SessionLocal = sessionmaker(bind=engine)
async_engine = create_async_engine("postgresql+asyncpg://app@db/app")
AsyncSessionLocal = async_sessionmaker(async_engine)


def with_block():
    with SessionLocal() as db:
        db.execute(text("select 1"))


def finally_close():
    db = SessionLocal()
    try:
        db.execute(text("select 1"))
    finally:
        db.close()


def happy_path_only():
    db = SessionLocal()
    db.execute(text("select 1"))
    db.close()


def early_return(flag):
    conn = engine.connect()
    if flag:
        return None
    conn.close()


def never_closed():
    conn = engine.connect()
    conn.execute(text("select 1"))


def throw_away():
    return Session(engine).execute(text("select 1")).all()


def closing_raw():
    with closing(engine.raw_connection()) as raw:
        raw.cursor().execute("select 1")


def returned():
    return SessionLocal()


def stored(registry):
    db = SessionLocal()
    registry.append(db)


def get_session():
    return SessionLocal()


def through_helper():
    db = get_session()
    db.execute(text("select 1"))


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.commit()
        db.close()


@contextmanager
def scope():
    with SessionLocal() as db:
        yield db


@asynccontextmanager
async def async_scope():
    session = AsyncSessionLocal()
    yield session
    await session.close()


class UnitOfWork:
    def __enter__(self):
        self.session = SessionLocal()
        return self.session

    def __exit__(self, *exc):
        self.session.close()
