from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts.scope import can_see_unit, visible_unit_ids
from kokemus.accounts.sessions import lookup, sign_in
from kokemus.journeys.models import Unit
from kokemus.store import Database
from tests.accounts.helpers import PASSWORD, add_user
from tests.factories import load_default_journey


@dataclass(frozen=True)
class Someone:
    role: str
    unit_ids: tuple[int, ...] = ()


@pytest.fixture
def units(database: Database) -> dict[str, int]:
    load_default_journey(database)
    with database.transaction() as session:
        return dict(session.execute(select(Unit.key, Unit.id)).all())


def visible(session: Session, who: Someone, units: dict[str, int]) -> set[str]:
    return {key for key, id_ in units.items() if can_see_unit(session, who, id_)}


def test_a_scope_covers_each_unit_and_its_subtree(
    database: Database, units: dict[str, int]
) -> None:
    logistics = Someone("manager", (units["logistics"],))
    two = Someone("frontline", (units["store"], units["customer-service"]))
    partner = Someone("partner", (units["carrier"],))
    with database.transaction() as session:
        assert visible(session, logistics, units) == {"logistics", "carrier"}
        assert visible(session, two, units) == {"store", "customer-service"}
        assert visible(session, partner, units) == {"carrier"}
        assert visible(session, Someone("manager", (units["company"],)), units) == set(units)
        assert not can_see_unit(session, partner, None)
        assert visible_unit_ids(session, logistics) == {units["logistics"], units["carrier"]}


def test_admins_and_analysts_without_a_scope_see_everything(
    database: Database, units: dict[str, int]
) -> None:
    with database.transaction() as session:
        for role in ("admin", "analyst"):
            assert visible(session, Someone(role), units) == set(units)
            assert can_see_unit(session, Someone(role), None)
            assert visible_unit_ids(session, Someone(role)) is None
        # Other roles are never unscoped; if one were, it would see nothing.
        assert visible(session, Someone("manager"), units) == set()
        scoped_admin = Someone("admin", (units["store"],))
        assert visible(session, scoped_admin, units) == {"store"}


def test_a_signed_in_user_carries_the_scope_the_check_needs(
    database: Database, units: dict[str, int]
) -> None:
    add_user(database, "kuski@carrier.example", role="partner", units=["carrier"])
    with database.transaction() as session:
        started = sign_in(session, "kuski@carrier.example", PASSWORD)
        assert started is not None
        user = lookup(session, started.token)
        assert user is not None
        assert can_see_unit(session, user, units["carrier"])
        assert not can_see_unit(session, user, units["logistics"])
        assert not can_see_unit(session, user, units["store"])
