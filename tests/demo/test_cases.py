"""The demo's closed loop: the rules ran over the year's last two weeks, and the cases they
opened stand at every stage, each stage with what its guard asks for."""

from collections import Counter

from sqlalchemy import func, select

from kokemus.cases.models import Case, CaseContact
from kokemus.cases.tasks import evaluate_pending
from kokemus.demo.period import Period
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys.models import Invitation, Survey
from tests.demo.conftest import END


def test_cases_are_opened_only_from_the_last_two_weeks(demo: Database) -> None:
    period = Period(END)
    with demo.transaction() as session:
        cases = list(session.scalars(select(Case)))
    assert len(cases) >= 10
    # Opened together, a few hours before the build, after the year's end.
    (opened,) = {case.opened_at for case in cases}
    assert period.closes <= opened <= utcnow()
    rules = Counter(case.rule_key for case in cases)
    # The planted damaged deliveries are found, from answers and from the carrier's events.
    assert rules["damaged-delivery"] + rules["delivery-damaged"] >= 3
    assert len(rules) >= 4


def test_cases_stand_at_every_stage_with_what_each_needs(demo: Database) -> None:
    with demo.transaction() as session:
        cases = list(session.scalars(select(Case)))
        contacts = Counter(session.scalars(select(CaseContact.case_id)).all())
    statuses = Counter(case.status for case in cases)
    assert {"new", "investigating", "customer_informed", "resolved", "waiting_partner"} <= set(
        statuses
    )
    for case in cases:
        if case.status in ("resolved", "customer_informed"):
            assert contacts[case.id] >= 1
        if case.status == "resolved":
            assert case.root_cause_key == "carrier_handling"
            assert case.resolution == "compensation"
            assert case.compensation_minor == 3000


def test_the_first_rules_run_after_the_demo_opens_nothing_more(demo: Database) -> None:
    with demo.transaction() as session:
        before = session.scalar(select(func.count()).select_from(Case))
    report = evaluate_pending(demo)
    assert (report.responses, report.events, report.cases) == (0, 0, set())
    with demo.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == before


def test_nothing_waits_to_be_mailed_when_the_demo_is_served(demo: Database) -> None:
    with demo.transaction() as session:
        waiting = session.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.status == "scheduled")
        )
        follow_ups = session.scalar(
            select(func.count())
            .select_from(Invitation)
            .join(Survey, Survey.id == Invitation.survey_id)
            .where(Survey.key == "complaint-follow-up")
        )
    assert waiting == 0
    assert follow_ups  # the resolved cases did ask for their follow-up survey


def test_the_sla_clocks_run_in_real_time(demo: Database) -> None:
    with demo.transaction() as session:
        cases = list(session.scalars(select(Case)))
    due = [case.sla_due_at for case in cases if case.sla_due_at is not None]
    assert due
    # Opened hours ago, not at the year's end: none is past its SLA yet.
    assert all(moment > utcnow() for moment in due)
