# A request handler that closes its session with a with block.
import gc
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

# A Session left open is released when the cyclic garbage collector runs; under load that is
# too late. The collector is off so that the run does not depend on when it would run.
gc.disable()

engine = create_engine(
    "postgresql://app@127.0.0.1:5432/app", pool_size=2, max_overflow=0, pool_timeout=1
)


def get_user_count():
    with Session(engine) as session:
        return session.execute(text("select count(*) from pg_roles")).scalar()


for request in range(3):
    try:
        print(f"request {request}: ok", get_user_count() > 0)
    except Exception as exc:
        print(f"request {request}: {type(exc).__name__}: {exc}")
