# Reset-on-return turned off: with AUTOCOMMIT there is no transaction to end.
from sqlalchemy import create_engine, text

import oracle_probe

engine = create_engine(
    "postgresql://app@127.0.0.1:5432/app", pool_reset_on_return=None, isolation_level="AUTOCOMMIT"
)


def latest_report():
    with engine.connect() as conn:
        return conn.execute(text("select now() is not null")).scalar()


print("report:", latest_report())
oracle_probe.report_backends("after the connection went back to the pool")
