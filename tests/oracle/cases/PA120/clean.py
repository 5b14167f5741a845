# The SQLite development database, shared with the request threads.
from sqlalchemy import create_engine, text

engine = create_engine("sqlite:///app.db", connect_args={"check_same_thread": False})

with engine.connect() as conn:
    print("answer:", conn.execute(text("select 41 + 1")).scalar())
