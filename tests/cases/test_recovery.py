from datetime import timedelta

from sqlalchemy import select

from kokemus.cases import service
from kokemus.cases.models import Case
from kokemus.cases.recovery import recovery
from kokemus.cases.tasks import evaluate_pending
from kokemus.store import Database
from kokemus.store.base import utcnow
from tests.accounts.helpers import add_user
from tests.cases.helpers import ago, context, respond


def resolve_all(database: Database) -> None:
    with database.write_transaction() as session:
        ctx = context(session)
        ctx.now = ago(hours=2)
        for case in session.scalars(select(Case).order_by(Case.id)):
            service.set_root_cause(ctx, case, "product_defect")
            service.log_contact(
                ctx,
                case,
                channel="email",
                what_happened="A fault",
                why="A batch",
                contacted_at=ctx.now,
            )
            service.record_resolution(ctx, case, "replacement")
            service.transition(ctx, case, "resolved")


def test_the_share_whose_later_score_is_no_longer_weak(store: Database) -> None:
    for person in ("aino", "ben", "cai"):
        respond(store, person, {"delivery-stars": 1}, at=ago(days=2))
    evaluate_pending(store)
    resolve_all(store)
    respond(store, "aino", {"delivery-stars": 4})  # recovered
    respond(store, "ben", {"delivery-stars": 2})  # still weak
    respond(store, "cai", {"delivery-stars": 5}, at=ago(days=3))  # before the resolution
    with store.transaction() as session:
        found = recovery(session, utcnow() - timedelta(days=30), utcnow())
    assert (found.resolved_customers, found.n, found.recovered, found.share) == (3, 2, 1, 0.5)
    assert found.interval is not None
    assert found.interval[0] < 0.5 < found.interval[1]


def test_assigning_to_a_person(store: Database) -> None:
    add_user(store, "asta@kauppa.fi", role="frontline", units=["carrier"])
    respond(store, "dan", {"delivery-stars": 1})
    evaluate_pending(store)
    with store.write_transaction() as session:
        ctx = context(session)
        case = service.get_case(ctx, 1)
        service.assign(ctx, case, "Asta@Kauppa.fi")
        shown = service.show(ctx, case)
    assert shown["assignee"] == "asta@kauppa.fi"
    assert shown["timeline"][-1]["details"] == {"assignee": "asta@kauppa.fi"}
    with store.transaction() as session:
        mine = service.list_cases(context(session), service.Filters(assignee="asta@kauppa.fi"))
    assert [c.id for c in mine] == [1]
