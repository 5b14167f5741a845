# An async service that reaches PostgreSQL through the project's PgBouncer, with both statement
# caches turned off (the fix most answers give).
import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

engine = create_async_engine(
    "postgresql+asyncpg://app@127.0.0.1:6432/app",
    poolclass=NullPool,
    connect_args={"statement_cache_size": 0, "prepared_statement_cache_size": 0},
)


async def main():
    async with engine.connect() as conn:
        tables = await conn.execute(text("select count(*) from pg_class where relkind = 'r'"))
        print("catalog tables:", tables.scalar() > 0)
    await engine.dispose()


asyncio.run(main())
