# What the postgresql+psycopg dialect does on each pooled connection, with psycopg 3 alone: a query
# run prepare_threshold (5) times is prepared on the server connection PgBouncer lent that time.
import psycopg

URL = "postgresql://app@127.0.0.1:6432/app"
orders = psycopg.connect(URL)
reports = psycopg.connect(URL)

for order in range(6):
    orders.execute("select %s * 10", (order,)).fetchone()
    orders.commit()
print("prepared on the server:", orders.prepare_threshold is not None)
reports.execute("select 1")  # another client's transaction now holds that server connection
try:
    print("order total:", orders.execute("select %s * 10", (7,)).fetchone()[0])
except psycopg.Error as exc:
    print(f"{type(exc).__module__}.{type(exc).__name__}: {exc}")
