# A web service on psycopg 3 that reaches PostgreSQL through the project's PgBouncer
# (SQLAlchemy 2.0: the postgresql+psycopg dialect).
from sqlalchemy import create_engine, text

engine = create_engine(
    "postgresql+psycopg://app@127.0.0.1:6432/app", connect_args={"prepare_threshold": None}
)


def order_total(order_id):
    with engine.connect() as conn:
        return conn.execute(text("select :id * 10"), {"id": order_id}).scalar()


for order in range(10):
    print("order", order, order_total(order))
