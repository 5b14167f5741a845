# A batch script: checks the database at start-up, then fans the work out to forked workers.
import multiprocessing

from sqlalchemy import create_engine, text

engine = create_engine("postgresql://app@127.0.0.1:5432/app")

with engine.connect() as conn:
    parent_backend = conn.execute(text("select pg_backend_pid()")).scalar()


def work(n):
    with engine.connect() as conn:
        return conn.execute(text("select pg_backend_pid()")).scalar()


if __name__ == "__main__":
    with multiprocessing.Pool(1) as pool:
        child_backend = pool.apply(work, (1,))
    shared = "the same backend" if child_backend == parent_backend else "its own backend"
    print(f"the forked worker used {shared}")
