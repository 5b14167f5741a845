# A FastAPI-style session dependency: the framework enters it as a context manager and throws the
# handler's exception into it at the yield.
import gc
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

# A Session left open is released when the cyclic garbage collector runs; under load that is
# too late. The collector is off so that the run does not depend on when it would run.
gc.disable()

engine = create_engine(
    "postgresql://app@127.0.0.1:5432/app", pool_size=2, max_overflow=0, pool_timeout=1
)
SessionLocal = sessionmaker(bind=engine)


def get_db():
    db = SessionLocal()
    yield db
    db.close()


class NotFound(Exception):
    pass


def read_item(db):
    db.execute(text("select 1"))
    raise NotFound("item 42")


for request in range(3):
    try:
        with contextmanager(get_db)() as db:
            read_item(db)
    except NotFound:
        print(f"request {request}: 404")
    except Exception as exc:
        print(f"request {request}: 503 {type(exc).__name__}: {exc}")
