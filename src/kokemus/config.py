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
    timezone: str = Field(
        default="Europe/Helsinki",
        description="Local days, weeks and months of the metrics; after a change, run "
        "`kokemus metrics rebuild`.",
    )
    anonymity_threshold: int = Field(
        default=5, ge=2, description="Employee groups with fewer respondents are never shown."
    )
    max_request_bytes: int = Field(
        default=4 * 1024 * 1024, description="Largest accepted request body, after gzip."
    )
    max_message_bytes: int = Field(default=32 * 1024, description="Largest single event.")
    languages: tuple[str, ...] = ("fi", "sv", "en")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Address respondents reach the server at: survey links, QR codes, the widget.",
    )
    survey_rate_limit: str = Field(
        default="30/10 minutes",
        description="Answers one address may send to anonymous survey links (a `limits` rate).",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where per-address limits count: memory:// (each worker on its own) or "
        "redis://host:6379 (once for all workers and servers).",
    )
    survey_frame_ancestors: str = Field(
        default="*", description="Sites that may embed survey pages (the widget); CSP syntax."
    )
    trust_proxy_headers: bool = Field(
        default=False,
        description="Behind a reverse proxy that sets X-Forwarded-Proto and X-Forwarded-For: "
        "believe them (HTTPS cookies, the address sign-in attempts are counted by).",
    )
    login_rate_limit: str = Field(
        default="20/10 minutes",
        description="Failed sign-ins one address may make (a `limits` rate), across accounts.",
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "Kokemus <kokemus@localhost>"


@lru_cache
def get_settings() -> Settings:
    return Settings()
