# Legacy autocommit sessions: each statement commits on its own.
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

engine = create_engine("postgresql://app@127.0.0.1:5432/app")
SessionLocal = sessionmaker(bind=engine, autocommit=True)

session = SessionLocal()
try:
    print("answer:", session.execute(text("select 41 + 1")).scalar())
finally:
    session.close()
