from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

base = {"pool_pre_ping": True}
opts = dict(base, echo=False)
opts["pool_recycle"] = 1800
opts.update({"pool_size": 5}, max_overflow=10)
opts.setdefault("pool_timeout", 30)
del opts["echo"]
opts.pop("pool_timeout")
merged = {**opts, "pool_use_lifo": True}
copy = merged.copy()
engine = create_engine("postgresql+psycopg2://app@db/app", **copy)
