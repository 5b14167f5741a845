from functools import partial

from sqlalchemy import create_engine, engine_from_config
from sqlalchemy.pool import NullPool


def make_engine(url, **kw):
    return create_engine(url, pool_pre_ping=True, **kw)


main = make_engine("postgresql://app@db/app", pool_size=20)
factory = partial(create_engine, poolclass=NullPool)
serverless = factory("postgresql://app@db/app", pool_recycle=60)
cfg = {"sqlalchemy.url": "sqlite:///app.db", "sqlalchemy.pool_size": "7", "sqlalchemy.echo": "true"}
from_cfg = engine_from_config(cfg, prefix="sqlalchemy.")
