"""Each shipped rule on data that triggers it and on data that does not."""

from sqlalchemy import select

from kokemus.cases.models import Case, CaseClaim, CaseSignal
from kokemus.cases.tasks import evaluate_pending
from kokemus.ingest.models import Event
from kokemus.journeys.models import Unit
from kokemus.store import Database
from tests.cases.helpers import ago, cases, event, firings, respond, send_events
from tests.surveys.helpers import publish_template


def fired(database: Database) -> list[str]:
    evaluate_pending(database)
    return [rule for rule, _ in firings(database)]


def unit_key(database: Database, unit_id: int | None) -> str | None:
    with database.transaction() as session:
        return session.scalar(select(Unit.key).where(Unit.id == unit_id))


def test_damaged_delivery_on_a_weak_rating_that_says_it_broke(store: Database) -> None:
    respond(store, "aino", {"delivery-stars": 2, "improve": "Tuoli tuli rikki"})
    assert fired(store) == ["damaged-delivery", "low-rating"]
    [case] = cases(store)
    assert (case.rule_key, case.priority, case.status) == ("damaged-delivery", "high", "new")
    assert unit_key(store, case.owner_unit_id) == "carrier"
    assert case.sla_due_at is not None
    assert round((case.sla_due_at - case.opened_at).total_seconds() / 3600) == 48
    with store.transaction() as session:
        assert session.scalar(select(CaseClaim.case_id)) == case.id


def test_damaged_delivery_not_on_praise_nor_on_damage_rated_well(store: Database) -> None:
    respond(store, "bea", {"delivery-stars": 4, "improve": "Nopea toimitus, kiitos"})
    respond(store, "cai", {"delivery-stars": 5})
    assert fired(store) == []
    assert cases(store) == []


def test_low_rating(store: Database) -> None:
    respond(store, "dan", {"delivery-stars": 1})
    respond(store, "eve", {"delivery-stars": 3})
    assert fired(store) == ["low-rating"]


def test_nps_detractor(store: Database) -> None:
    publish_template(store, "relational-nps")
    respond(store, "fay", {"recommend": 3}, survey="relational-nps")
    respond(store, "gus", {"recommend": 7}, survey="relational-nps")
    assert fired(store) == ["nps-detractor"]


def test_weak_expectation_said_in_words(store: Database) -> None:
    respond(
        store,
        "hal",
        {
            "delivery-stars": 3,
            "expectation": 1,
            "improve": "Paketti myöhästyi viikolla, huono palvelu",
        },
    )
    respond(store, "ida", {"delivery-stars": 3, "expectation": 1})
    respond(
        store,
        "jon",
        {
            "delivery-stars": 4,
            "expectation": 3,
            "improve": "Paketti myöhästyi viikolla, huono palvelu",
        },
    )
    assert fired(store) == ["weak-expectation"]


def test_a_second_weak_answer_within_90_days(store: Database) -> None:
    respond(store, "kai", {"delivery-stars": 1}, at=ago(days=10))
    assert fired(store) == ["low-rating"]
    respond(store, "kai", {"delivery-stars": 2})
    respond(store, "lea", {"delivery-stars": 2})
    assert fired(store) == ["low-rating", "low-rating", "repeated-weak-answers", "low-rating"]
    kai, lea = cases(store)
    assert kai.priority == "urgent"  # the second rule raised the case it shares the signal with
    assert lea.priority == "normal"


def test_a_failed_delivery_is_the_carriers_case(store: Database) -> None:
    send_events(store, event("Delivery Failed", "mia"), event("Order Delivered", "noa"))
    assert fired(store) == ["delivery-failed"]
    [case] = cases(store)
    assert unit_key(store, case.owner_unit_id) == "carrier"
    assert round((case.sla_due_at - case.opened_at).total_seconds() / 3600) == 24  # type: ignore[operator]


def test_the_carrier_reporting_damage_opens_a_claim(store: Database) -> None:
    send_events(
        store,
        event(
            "Order Completed", "oli", at=ago(days=3), order_id="A-1", total=129.0, currency="EUR"
        ),
        event("Delivery Damaged", "oli", order_id="A-1"),
        event("Order Shipped", "oli", at=ago(days=2)),
    )
    assert fired(store) == ["delivery-damaged"]
    with store.transaction() as session:
        claim = session.scalar(select(CaseClaim))
    assert claim is not None
    assert (claim.order_ref, claim.amount_minor, claim.currency) == ("A-1", 12900, "EUR")


def test_a_reopened_ticket(store: Database) -> None:
    send_events(store, event("Ticket Reopened", "pia"), event("Ticket Solved", "pia"))
    assert fired(store) == ["ticket-reopened"]
    [case] = cases(store)
    assert unit_key(store, case.owner_unit_id) == "customer-service"


def test_a_second_contact_within_7_days(store: Database) -> None:
    send_events(
        store,
        event("Ticket Created", "rai", at=ago(days=5)),
        event("Call Completed", "rai", at=ago(days=2)),
        event("Ticket Created", "saa", at=ago(days=13)),
        event("Ticket Created", "saa", at=ago(days=2), n=1),
    )
    assert fired(store) == ["second-contact"]
    [case] = cases(store)
    with store.transaction() as session:
        signal = session.scalar(select(CaseSignal))
        assert signal is not None
        found = session.get(Event, signal.event_id)
    assert found is not None
    assert found.name == "Call Completed"


def test_never_two_cases_for_one_signal(store: Database) -> None:
    respond(store, "tea", {"delivery-stars": 1, "improve": "Tuoli tuli rikki"})
    send_events(store, event("Delivery Failed", "uma"))
    evaluate_pending(store)
    before = (firings(store), [case.id for case in cases(store)])
    evaluate_pending(store)
    with store.write_transaction() as session:  # read everything again from the start
        from kokemus.enrich.models import JobCursor

        for cursor in session.scalars(select(JobCursor).where(JobCursor.name.like("cases-%"))):
            cursor.position = 0
    evaluate_pending(store)
    assert (firings(store), [case.id for case in cases(store)]) == before
    assert len(before[1]) == 2


def test_old_signals_open_nothing(store: Database) -> None:
    send_events(store, event("Delivery Failed", "vic", at=ago(days=30)))
    assert fired(store) == []


def test_a_response_waits_for_its_texts_to_be_analysed(store: Database) -> None:
    from kokemus.surveys.external import CustomerRef, ResponseIn, accept_response

    body = ResponseIn(
        answers={"delivery-stars": 2, "improve": "Tuoli tuli rikki"},
        customer=CustomerRef(email="wil@example.fi"),
    )
    accept_response(store, "post-delivery", body)
    report = evaluate_pending(store)
    assert (report.waiting, firings(store)) == (1, [])
    from kokemus.enrich.service import analyze_all

    analyze_all(store)
    assert fired(store) == ["damaged-delivery", "low-rating"]
    assert len(cases(store)) == 1
    assert isinstance(cases(store)[0], Case)
