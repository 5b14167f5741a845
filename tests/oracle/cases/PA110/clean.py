# A job runner that keeps its engine between jobs; jobs arrive less often than wait_timeout.
import time

from sqlalchemy import create_engine, text

engine = create_engine("mysql+pymysql://app@127.0.0.1:3306/app", pool_pre_ping=True)


def run_job(n):
    with engine.connect() as conn:
        return conn.execute(text("select :n"), {"n": n}).scalar()


print("job 1:", run_job(1))
time.sleep(3)  # the server's wait_timeout is shorter than the gap between jobs
print("job 2:", run_job(2))
