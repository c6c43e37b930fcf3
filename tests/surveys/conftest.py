from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.store import Database


@pytest.fixture
def client(database_url: str, database: Database) -> Iterator[TestClient]:
    # Every test client comes from one address: the limit for anonymous links is lifted.
    settings = Settings(database_url=database_url, survey_rate_limit="1000/minute")
    with TestClient(create_app(settings, database)) as client:
        yield client
