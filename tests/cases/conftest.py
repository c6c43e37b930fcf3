from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from kokemus.config import Settings
from kokemus.store import Database
from tests.accounts.helpers import cheap_hashing
from tests.factories import add_source, load_default_journey
from tests.live_server import free_port
from tests.surveys.helpers import publish_template
from tests.surveys.test_email import Inbox


@pytest.fixture
def store(database: Database) -> Database:
    load_default_journey(database)
    add_source(database, "shop")
    publish_template(database, "post-delivery")
    publish_template(database, "complaint-follow-up")
    return database


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, inbox: tuple[Inbox, int]) -> Settings:
    update = {"smtp_host": "127.0.0.1", "smtp_port": inbox[1], "public_url": "http://testserver"}
    return settings.model_copy(update=update)


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
