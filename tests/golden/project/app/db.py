"""Database set-up of a small service: one engine per environment, one session factory."""
import os

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

DATABASE_URL = "postgresql+psycopg://app:s3cr3t-pa55@db.internal:5432/app"

if os.environ.get("SERVERLESS"):
    OPTIONS = {"poolclass": NullPool, "pool_size": 5}
else:
    OPTIONS = {"pool_size": 10, "max_overflow": 5}

engine = create_engine(
    DATABASE_URL,
    connect_args={"options": "-c search_path=a|b", "application_name": "`svc`"},
    **OPTIONS,
)

SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
