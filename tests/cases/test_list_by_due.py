"""The case list as the web app reads it: soonest due first, by priority and open status,
within the viewer's scope; and whether a case exists at all."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from kokemus.cases import service
from kokemus.cases.access import Viewer
from kokemus.cases.context import CaseContext
from kokemus.errors import InvalidInput
from kokemus.journeys.models import Unit
from kokemus.store import Database
from kokemus.store.base import utcnow
from tests.accounts.helpers import add_user
from tests.cases.helpers import context


def open_cases(store: Database) -> dict[str, int]:
    """Four cases: one overdue, two due in hours, one with no due time (as before SLAs)."""
    openings = {
        "late": service.Opening("late", priority="urgent", sla_minutes=1),
        "soon": service.Opening("soon", priority="high", sla_minutes=60),
        "later": service.Opening("later", sla_minutes=600),
        "whenever": service.Opening("whenever", priority="low"),
    }
    made: dict[str, int] = {}
    with store.transaction() as session:
        units = dict(session.execute(select(Unit.key, Unit.id)).all())
        for name, opening in openings.items():
            owner = units["carrier" if name == "later" else "customer-service"]
            ctx = context(session)
            ctx.now = utcnow() - timedelta(minutes=5) if name == "late" else utcnow()
            case = service.create(ctx, _owned(opening, owner))
            if name == "whenever":
                case.sla_due_at = None
            made[name] = case.id
    return made


def _owned(opening: service.Opening, owner: int) -> service.Opening:
    return service.Opening(
        opening.reason,
        priority=opening.priority,
        owner_unit_id=owner,
        sla_minutes=opening.sla_minutes,
    )


def reasons(store: Database, filters: service.Filters, viewer: Viewer | None = None) -> list[str]:
    with store.transaction() as session:
        ctx = context(session) if viewer is None else CaseContext(session, viewer)
        return [case.reason for case in service.list_by_due(ctx, filters)]


def test_soonest_due_first_and_filters(store: Database) -> None:
    made = open_cases(store)
    everything = service.Filters()
    assert reasons(store, everything) == ["late", "soon", "later", "whenever"]
    assert reasons(store, service.Filters(breached=True)) == ["late"]
    assert reasons(store, service.Filters(priority="high")) == ["soon"]
    assert reasons(store, service.Filters(owner_unit="carrier")) == ["later"]
    with store.transaction() as session:
        ctx = context(session)
        case = service.get_case(ctx, made["soon"])
        service.transition(ctx, case, "closed", note="a duplicate")
        assert service.list_by_due(ctx, service.Filters(limit=1), offset=1)[0].reason == "soon"
    assert reasons(store, service.Filters(open_only=True)) == ["late", "later", "whenever"]
    with pytest.raises(InvalidInput) as refused:
        reasons(store, service.Filters(priority="whenever"))
    assert refused.value.field == "priority"


def test_scope_and_existence(store: Database) -> None:
    made = open_cases(store)
    partner = add_user(store, "kuski@carrier.fi", role="partner", units=["carrier"])
    with store.transaction() as session:
        carrier = session.scalar(select(Unit.id).where(Unit.key == "carrier"))
        assert service.exists(session, made["late"])
        assert not service.exists(session, 10_000)
    assert carrier is not None
    viewer = Viewer("partner", (carrier,), partner.id, "Kuski <kuski@carrier.fi>")
    assert reasons(store, service.Filters(), viewer) == ["later"]
