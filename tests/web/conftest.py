import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kokemus.app import create_app
from kokemus.config import Settings
from kokemus.store import Database
from tests.accounts.helpers import cheap_hashing

MakeClient = Callable[..., TestClient]


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def store(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A SQLite store: these tests are about HTTP; the services run on both stores."""
    path = tmp_path / "web.sqlite3"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def make_client(store: Database) -> Iterator[MakeClient]:
    """A client of a fresh app on `store`; settings may be changed, `base_url` too."""
    clients: list[TestClient] = []

    def make(base_url: str = "http://testserver", **changes: object) -> TestClient:
        settings = Settings(database_url=store.url, **changes)  # type: ignore[arg-type]
        client = TestClient(create_app(settings, store), base_url=base_url)
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()
