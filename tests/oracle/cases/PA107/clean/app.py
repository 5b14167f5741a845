# An async service that reaches PostgreSQL directly (the PgBouncer is for the web tier).
import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

engine = create_async_engine("postgresql+asyncpg://app@127.0.0.1:5432/app", poolclass=NullPool)


async def main():
    async with engine.connect() as conn:
        tables = await conn.execute(text("select count(*) from pg_class where relkind = 'r'"))
        print("catalog tables:", tables.scalar() > 0)
    await engine.dispose()


asyncio.run(main())
