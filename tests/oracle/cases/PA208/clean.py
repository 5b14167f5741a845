# A unit-of-work dependency that commits when the handler succeeded and always closes.
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

import oracle_probe

engine = create_engine("postgresql://app@127.0.0.1:5432/app")
SessionLocal = sessionmaker(bind=engine)

with engine.begin() as conn:
    conn.execute(text("create table payments (id int, amount int)"))


def get_db():
    db = SessionLocal()
    try:
        yield db
        db.commit()
    finally:
        db.close()


def pay(db):
    db.execute(text("insert into payments values (1, 100)"))
    raise ValueError("card declined")  # the handler fails after a partial write


try:
    with contextmanager(get_db)() as db:
        pay(db)
except ValueError as exc:
    print("request failed:", exc)
print("payments stored after the failed request:", oracle_probe.count_rows("payments"))
