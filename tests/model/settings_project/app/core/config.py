from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DATABASE_URL: str = "postgresql+asyncpg://app@db.internal:6543/app"
    POOL_SIZE: int = Field(default=5, ge=1)
    ECHO: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()


settings = get_settings()
ENGINE_KWARGS = {"pool_size": settings.POOL_SIZE, "echo": settings.ECHO}
