import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kokemus.demo.generate import build_demo
from kokemus.store import Database
from kokemus.store.migrate import upgrade
from tests.conftest import BACKENDS, POSTGRES_URL

# A fixed year, so the tests see the same data whatever day they run.
END = date(2026, 6, 30)
# Big enough that every planted effect stands well clear of chance; small enough to be quick.
EFFECT_CUSTOMERS = 3000


@contextmanager
def fresh_store(backend: str, folder: Path, template: Path) -> Iterator[Database]:
    """A migrated, empty store of its own: a copied SQLite file or a new PostgreSQL schema."""
    if backend == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "demo.sqlite3"
        shutil.copy(template, path)
        database = Database(f"sqlite:///{path}")
        try:
            yield database
        finally:
            database.dispose()
        return
    assert POSTGRES_URL is not None
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    schema = f"kokemus_demo_{secrets.token_hex(4)}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = server.update_query_dict({"options": f"-csearch_path={schema}"})
    database = Database(url.render_as_string(hide_password=False))
    upgrade(database.engine)
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
) -> Iterator[Database]:
    """The demo built once per module and store; the tests only read it."""
    folder = tmp_path_factory.mktemp("demo")
    with fresh_store(request.param, folder, sqlite_template) as database:
        build_demo(database, customers=EFFECT_CUSTOMERS, end=END)
        yield database
