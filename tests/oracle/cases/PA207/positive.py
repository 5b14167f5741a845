# A session helper written as a generator, used like a context manager by a background job.
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)


def session_scope():
    with SessionLocal() as session:
        yield session


def nightly_job():
    with session_scope() as session:
        return session.execute(text("select 42")).scalar()


try:
    print("job result:", nightly_job())
except TypeError as exc:
    print(f"TypeError: {exc}")
