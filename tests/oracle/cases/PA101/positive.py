# A worker behind a pooler: NullPool, and the queue sizing copied from the web app's engine.
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

engine = create_engine("postgresql://app@127.0.0.1:5432/app", poolclass=NullPool, pool_size=5)

with engine.connect() as conn:
    print("answer:", conn.execute(text("select 41 + 1")).scalar())
