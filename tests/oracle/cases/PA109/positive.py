# A threaded service that shares one engine; StaticPool copied from the SQLite test setup.
import threading

from sqlalchemy import create_engine, text
from sqlalchemy.pool import StaticPool

import oracle_probe

engine = create_engine("postgresql://app@127.0.0.1:5432/app", poolclass=StaticPool)

with engine.begin() as conn:
    conn.execute(text("create table orders (id int)"))

inserted = threading.Event()
read_done = threading.Event()


def place_order():
    with engine.begin() as conn:
        conn.execute(text("insert into orders values (1)"))
        inserted.set()
        read_done.wait()


def report():
    inserted.wait()
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    read_done.set()


threads = [threading.Thread(target=place_order), threading.Thread(target=report)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("orders committed and stored:", oracle_probe.count_rows("orders"))
