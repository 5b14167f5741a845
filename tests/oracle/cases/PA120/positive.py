# The SQLite development settings kept after the move to PostgreSQL.
from sqlalchemy import create_engine, text

engine = create_engine(
    "postgresql://app@127.0.0.1:5432/app", connect_args={"check_same_thread": False}
)

with engine.connect() as conn:
    print("answer:", conn.execute(text("select 41 + 1")).scalar())
