from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kokemus.demo.generate import (
    build_demo,
    load_demo_if_empty,
    refuse_unless_empty,
    table_counts,
)
from kokemus.demo.period import Period, default_end
from kokemus.errors import Conflict, InvalidInput
from kokemus.store import Database
from kokemus.surveys.models import Invitation
from tests.demo.conftest import END, fresh_store
from tests.demo.fingerprints import fingerprints

SMALL = 300


def test_the_year_is_the_365_days_to_the_end_of_last_month() -> None:
    assert default_end(date(2026, 12, 2)) == date(2026, 11, 30)
    assert default_end(date(2026, 3, 1)) == date(2026, 2, 28)
    period = Period(date(2026, 11, 30))
    assert (period.start, len(period.days)) == (date(2025, 12, 1), 365)


def test_the_same_seed_gives_the_same_data_on_either_store(
    database: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    first = build_demo(database, customers=SMALL, end=END)
    with fresh_store("sqlite", tmp_path / "again", sqlite_template) as again:
        second = build_demo(again, customers=SMALL, end=END)
        assert second.counts == first.counts
        assert fingerprints(again) == fingerprints(database)
    with fresh_store("sqlite", tmp_path / "other", sqlite_template) as other:
        third = build_demo(other, customers=SMALL, end=END, seed=first.seed + 1)
        differs = fingerprints(other)
    assert third.counts != first.counts
    assert all(differs[table] != digest for table, digest in fingerprints(database).items())


def test_every_part_of_the_demo_is_there(database: Database) -> None:
    report = build_demo(database, customers=SMALL, end=END)
    assert report.counts == table_counts(database)
    assert all(report.counts.values()), report.counts
    assert report.counts["units"] == 12
    assert report.counts["sources"] == 6
    assert report.counts["surveys"] == 10
    phases = ["plan", "company", "events", "responses", "text", "rollups", "cases"]
    assert list(report.seconds) == phases


def test_a_store_with_data_is_refused_and_left_as_it_was(database: Database) -> None:
    build_demo(database, customers=50, end=END)
    before = table_counts(database)
    with pytest.raises(Conflict, match="already holds data"):
        build_demo(database, customers=50, end=END)
    assert table_counts(database) == before
    assert load_demo_if_empty(database) is False
    assert table_counts(database) == before


def test_an_empty_store_is_accepted(database: Database) -> None:
    refuse_unless_empty(database)


def test_the_year_must_be_over(database: Database) -> None:
    with pytest.raises(InvalidInput, match="end"):
        build_demo(database, customers=10, end=date(2999, 1, 31))


def test_no_invitation_is_left_to_be_sent_or_reminded(database: Database) -> None:
    report = build_demo(database, customers=SMALL, end=END)
    with database.transaction() as session:
        invitations = session.scalars(select(Invitation)).all()
    assert invitations
    assert {invitation.status for invitation in invitations} <= {"responded", "reminded", "sent"}
    for invitation in invitations:
        assert invitation.sent_at is not None
        assert invitation.sent_at < report.period.closes
        assert invitation.status == "responded" or invitation.remind_at is None
