"""The closed loop in the demo: the alert rules run over the year's last two weeks as if
they had been on, and the earliest of the cases they open are worked the way a service
team works them, so the case screens show every stage of a case.

The cases open a few hours before the demo is built, as if the rules had been switched on
then over the imported year, so their SLA clocks run in real time when the demo is served
(opened at the year's end, every case would be long past its SLA). Which cases open, and
what is done on them, is the same for the same year and seed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.cases import service
from kokemus.cases.access import Viewer
from kokemus.cases.context import CaseContext
from kokemus.cases.models import Case
from kokemus.cases.tasks import evaluate_pending, start_at
from kokemus.demo.period import Period
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys.models import Invitation

RECENT = timedelta(days=14)
OPENED_AGO = timedelta(hours=3)
# Who works the demo's cases, as their timelines name them.
SERVICE_TEAM = Viewer("admin", (), None, "Kaari Oy:n asiakaspalvelu")
DAMAGED = ("damaged-delivery", "delivery-damaged")  # from an answer, from the carrier
FAILED = "delivery-failed"


@dataclass(frozen=True)
class DemoCases:
    opened: int
    worked: int


def open_recent_cases(database: Database, period: Period) -> DemoCases:
    """Run the shipped rules over the last RECENT of the year, then work some cases."""
    since = period.closes - RECENT
    present = max(period.closes, utcnow() - OPENED_AGO)
    with database.write_transaction() as session:
        start_at(session, since)
    report = evaluate_pending(database, now=present, max_age=present - since)
    with database.write_transaction() as session:
        worked = _work(session, present)
        _follow_ups_sent(session)
    return DemoCases(len(report.cases), worked)


def _follow_ups_sent(session: Session) -> None:
    """The follow-up surveys the cases asked for count as sent, unanswered: the demo's
    store must never mail anyone when it is served."""
    for invitation in session.scalars(select(Invitation).where(Invitation.status == "scheduled")):
        invitation.status = "sent"
        invitation.sent_at = min(invitation.send_at, utcnow())
        invitation.remind_at = None


def _work(session: Session, present: datetime) -> int:
    cases = list(session.scalars(select(Case).order_by(Case.id)))
    damaged = [case for case in cases if case.rule_key in DAMAGED]
    failed = [case for case in cases if case.rule_key == FAILED]
    others = [case for case in cases if case.rule_key not in (*DAMAGED, FAILED)]
    worked = 0
    for n, case in enumerate(damaged):
        if n % 3 == 0:
            _resolve_damage(session, case, _at(present, n))
        elif n % 3 == 1:
            _tell_customer(session, case, _at(present, n))
        else:
            continue
        worked += 1
    for n, case in enumerate(failed[: (len(failed) + 1) // 2]):
        service.transition(
            _ctx(session, present, n), case, "waiting_partner", note="Kuljetusliike selvittää."
        )
        worked += 1
    for n, case in enumerate(others[: (len(others) + 2) // 3]):
        service.transition(_ctx(session, present, n), case, "investigating")
        worked += 1
    return worked


def _resolve_damage(session: Session, case: Case, at: datetime) -> None:
    ctx = CaseContext(session, SERVICE_TEAM, at)
    service.transition(ctx, case, "investigating")
    _contact(ctx, case)
    service.set_root_cause(ctx, case, "carrier_handling", "Pakkaus murskautunut kuljetuksessa.")
    service.record_resolution(
        ctx, case, "compensation", note="Uusi tuoli ja hyvitys.", amount="30.00", currency="EUR"
    )
    service.transition(ctx, case, "resolved")


def _tell_customer(session: Session, case: Case, at: datetime) -> None:
    ctx = CaseContext(session, SERVICE_TEAM, at)
    service.transition(ctx, case, "investigating")
    _contact(ctx, case)
    service.transition(ctx, case, "customer_informed")


def _contact(ctx: CaseContext, case: Case) -> None:
    service.log_contact(
        ctx,
        case,
        channel="phone",
        what_happened="Tuoli vaurioitui kuljetuksessa.",
        why="Kuljetusliike kertoi paketin pudonneen lastauksessa; uusi tuoli lähtee tänään.",
    )


def _ctx(session: Session, present: datetime, n: int) -> CaseContext:
    return CaseContext(session, SERVICE_TEAM, _at(present, n))


def _at(present: datetime, n: int) -> datetime:
    """A working moment soon after the cases opened, never after the real present."""
    return min(present + timedelta(minutes=30 + 2 * n), utcnow())
