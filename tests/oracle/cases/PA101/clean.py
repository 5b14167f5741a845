# A worker behind a pooler: NullPool, no queue sizing (pool_recycle is accepted, if useless).
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

engine = create_engine("postgresql://app@127.0.0.1:5432/app", poolclass=NullPool, pool_recycle=300)

with engine.connect() as conn:
    print("answer:", conn.execute(text("select 41 + 1")).scalar())
