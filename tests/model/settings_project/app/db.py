from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .core.config import ENGINE_KWARGS, settings

engine = create_async_engine(settings.DATABASE_URL, **ENGINE_KWARGS)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
