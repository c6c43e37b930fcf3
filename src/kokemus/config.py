from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KOKEMUS_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'kokemus.sqlite3'}",
        description="SQLAlchemy URL of the store; the embedded SQLite file by default.",
    )
    default_phone_region: str = Field(
        default="FI", description="Region assumed for phone numbers written without +country."
    )
    timezone: str = "Europe/Helsinki"
    max_request_bytes: int = Field(
        default=4 * 1024 * 1024, description="Largest accepted request body, after gzip."
    )
    max_message_bytes: int = Field(default=32 * 1024, description="Largest single event.")
    languages: tuple[str, ...] = ("fi", "sv", "en")


@lru_cache
def get_settings() -> Settings:
    return Settings()
