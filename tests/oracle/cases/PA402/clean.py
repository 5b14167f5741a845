# A batch script: checks the database at start-up, then fans the work out to forked workers,
# which start with a pool of their own.
import multiprocessing

from sqlalchemy import create_engine, text

engine = create_engine("postgresql://app@127.0.0.1:5432/app")

with engine.connect() as conn:
    parent_backend = conn.execute(text("select pg_backend_pid()")).scalar()


def reset_inherited_pool():
    engine.dispose(close=False)  # the parent's connections are not this process's to use


def work(n):
    with engine.connect() as conn:
        return conn.execute(text("select pg_backend_pid()")).scalar()


if __name__ == "__main__":
    with multiprocessing.Pool(1, initializer=reset_inherited_pool) as pool:
        child_backend = pool.apply(work, (1,))
    shared = "the same backend" if child_backend == parent_backend else "its own backend"
    print(f"the forked worker used {shared}")
