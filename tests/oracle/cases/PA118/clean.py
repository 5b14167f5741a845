# A service whose tests use an in-memory database; requests are served on worker threads.
import threading

from sqlalchemy import create_engine, text
from sqlalchemy.pool import StaticPool

engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})

with engine.begin() as conn:
    conn.execute(text("create table items (id integer primary key, name text)"))
    conn.execute(text("insert into items (name) values ('widget')"))


def handle_request():
    try:
        with engine.connect() as conn:
            print(
                "items seen by the request thread:",
                conn.execute(text("select count(*) from items")).scalar(),
            )
    except Exception as exc:
        print(f"request failed: {type(exc).__name__}: {exc}".splitlines()[0])


worker = threading.Thread(target=handle_request)
worker.start()
worker.join()
