from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool


def reporting_engine():
    return create_engine("sqlite://", poolclass=StaticPool, max_overflow=2, pool_timeout=5)
