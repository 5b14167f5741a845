import os

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool, QueuePool

IS_LAMBDA = os.getenv("AWS_LAMBDA_FUNCTION_NAME") is not None
opts = {"pool_pre_ping": True}
if IS_LAMBDA:
    opts["poolclass"] = NullPool
elif os.getenv("WORKERS"):
    opts.update(pool_size=int(os.getenv("POOL", "3")), max_overflow=0)
else:
    opts.update(pool_size=5, max_overflow=10)
engine = create_engine(os.getenv("DATABASE_URL", "postgresql://app@db/app"), **opts)
other = create_engine("mysql+pymysql://app@db/app", poolclass=QueuePool if not IS_LAMBDA else NullPool)
