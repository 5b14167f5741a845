# An async session helper written as an async generator, used like a context manager by a task.
import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@127.0.0.1:5432/app")


async def get_session():
    async with AsyncSession(engine) as session:
        yield session


async def refresh_stats():
    async with get_session() as session:
        return (await session.execute(text("select 42"))).scalar()


async def main():
    try:
        print("task result:", await refresh_stats())
    except TypeError as exc:
        print(f"TypeError: {exc}")
    await engine.dispose()


asyncio.run(main())
