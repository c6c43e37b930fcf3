"""SLA clocks run out: the case is escalated once per clock, the unit above is emailed."""

from datetime import timedelta

from sqlalchemy import select

from kokemus.cases import service
from kokemus.cases.models import Case, CaseEntry
from kokemus.cases.notify import send_due
from kokemus.cases.tasks import escalate_due, evaluate_pending
from kokemus.config import Settings
from kokemus.journeys.models import Unit
from kokemus.store import Database
from kokemus.store.base import utcnow
from tests.accounts.helpers import add_user
from tests.cases.helpers import context, event, send_events
from tests.surveys.test_email import Inbox


def carrier_case(database: Database) -> int:
    send_events(database, event("Delivery Failed", "aino"))
    evaluate_pending(database)
    with database.transaction() as session:
        found = session.scalar(select(Case.id))
    assert isinstance(found, int)
    return found


def test_the_case_clock_escalates_once_to_the_unit_above(
    store: Database, mail_settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    add_user(store, "lead@kauppa.fi", role="manager", units=["logistics"])
    case_id = carrier_case(store)
    with store.transaction() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert case.sla_due_at is not None
        due = case.sla_due_at
    assert escalate_due(store, now=due - timedelta(minutes=1)) == 0
    assert escalate_due(store, now=due + timedelta(minutes=1)) == 1
    assert escalate_due(store, now=due + timedelta(hours=5)) == 0
    with store.transaction() as session:
        case = session.get(Case, case_id)
        assert case is not None
        entry = session.scalar(select(CaseEntry).where(CaseEntry.kind == "escalated"))
    assert (case.priority, case.escalation_level) == ("urgent", 1)
    assert entry is not None
    assert entry.details["to_unit"] == "logistics"  # the carrier escalates to logistics
    assert send_due(store, mail_settings, due + timedelta(minutes=2)) == 1
    [message] = inbox[0].to("lead@kauppa.fi")
    assert f"Case #{case_id} is past its SLA" in message["Subject"]


def test_the_partners_clock_while_it_is_waited_on(store: Database) -> None:
    case_id = carrier_case(store)
    with store.write_transaction() as session:
        ctx = context(session)
        case = service.get_case(ctx, case_id)
        service.transition(ctx, case, "waiting_partner")
        assert case.partner_due_at is not None
        assert round((case.partner_due_at - ctx.now).total_seconds() / 3600) == 48
        partner_due = case.partner_due_at
    assert escalate_due(store, now=partner_due + timedelta(minutes=1)) >= 1
    with store.transaction() as session:
        entries = session.scalars(select(CaseEntry).where(CaseEntry.kind == "escalated"))
        clocks = sorted(e.details["clock"] for e in entries)
        logistics = session.scalar(select(Unit.id).where(Unit.key == "logistics"))
    assert "partner" in clocks
    assert logistics is not None


def test_reopening_starts_the_clock_again(store: Database) -> None:
    case_id = carrier_case(store)
    with store.write_transaction() as session:
        ctx = context(session)
        case = service.get_case(ctx, case_id)
        service.set_root_cause(ctx, case, "carrier_handling")
        service.log_contact(ctx, case, channel="email", what_happened="x", why="y")
        service.record_resolution(ctx, case, "apology")
        service.transition(ctx, case, "resolved")
        service.transition(ctx, case, "closed")
    later = utcnow() + timedelta(days=3)
    with store.write_transaction() as session:
        ctx = context(session)
        ctx.now = later
        case = service.get_case(ctx, case_id)
        service.transition(ctx, case, "reopened", note="the customer wrote again")
        assert (case.reopen_count, case.resolved_at, case.closed_at) == (1, None, None)
        assert case.sla_due_at is not None
        assert case.sla_due_at > later
