from functools import lru_cache

from sqlalchemy import create_engine


@lru_cache
def get_engine():
    return create_engine("postgresql://app@db/app")


def get_db():
    with get_engine().connect() as conn:
        yield conn


def make_engine():
    return create_engine("postgresql://app@db/app")
