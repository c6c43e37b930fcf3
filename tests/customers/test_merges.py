from datetime import datetime

import pytest
from sqlalchemy import select

from kokemus.customers import service
from kokemus.customers.models import Customer, Identity, Merge
from kokemus.errors import Conflict, NotFound
from kokemus.store import Database
from tests.factories import add_source, send, track


def _two_people_joined(database: Database) -> tuple[int, int, int]:
    """An anonymous web visitor and a shop customer, then an identify that joins them."""
    add_source(database, "web")
    add_source(database, "shop")
    page = {"type": "page", "name": "Home", "anonymousId": "anon-1", "messageId": "p1"}
    send(database, [page], source="web")
    order = track("Order Completed", message_id="o1", user_id="C7", email="x@example.fi")
    send(database, [order], source="shop")
    identify = {"type": "identify", "userId": "C7", "anonymousId": "anon-1", "messageId": "i1"}
    send(database, [identify], source="shop")
    with database.transaction() as session:
        merge = session.scalars(select(Merge)).one()
        return merge.id, merge.survivor_id, merge.merged_id


def _event_names(database: Database, customer_id: int) -> set[str]:
    with database.transaction() as session:
        customer = service.live_customer(session, customer_id)
        document = service.profile(session, customer)
    return {event["name"] for event in document["timeline"]["events"] if event["name"]}


def test_merged_customer_shows_every_event_and_points_to_the_survivor(database: Database) -> None:
    _, survivor, merged = _two_people_joined(database)

    assert _event_names(database, survivor) == {"Home", "Order Completed"}
    with database.transaction() as session:
        assert service.live_customer(session, merged).id == survivor


def test_unmerge_gives_back_identities_and_their_events(database: Database) -> None:
    merge_id, survivor, merged = _two_people_joined(database)

    with database.transaction() as session:
        service.unmerge(session, merge_id, "different people on a shared computer")

    with database.transaction() as session:
        rows = session.execute(select(Identity.value, Identity.customer_id))
        owners = {str(value): int(owner) for value, owner in rows}
        merged_row = session.get(Customer, merged)
        merge = session.get(Merge, merge_id)
        assert merged_row is not None
        assert merge is not None
        assert merged_row.merged_into_id is None
        assert merge.undone_at is not None
        assert merge.undo_reason == "different people on a shared computer"
    # The web visitor (first seen) survived; the shop customer got its own identities back.
    assert owners == {"anon-1": survivor, "C7": merged, "x@example.fi": merged}
    assert _event_names(database, survivor) == {"Home"}
    assert _event_names(database, merged) == {"Order Completed"}


def test_unmerged_customers_are_not_merged_again_automatically(database: Database) -> None:
    merge_id, survivor, merged = _two_people_joined(database)
    with database.transaction() as session:
        service.unmerge(session, merge_id, "not the same person")

    again = {"type": "identify", "userId": "C7", "anonymousId": "anon-1", "messageId": "i2"}
    report = send(database, [again], source="shop")

    assert report.merges == 0
    assert report.accepted == 1
    with database.transaction() as session:
        live = session.scalars(select(Customer.id).where(Customer.merged_into_id.is_(None))).all()
    assert set(live) == {survivor, merged}


def test_a_merge_cannot_be_undone_twice(database: Database) -> None:
    merge_id, _, _ = _two_people_joined(database)
    with database.transaction() as session:
        service.unmerge(session, merge_id, "wrong")

    with pytest.raises(Conflict), database.transaction() as session:
        service.unmerge(session, merge_id, "wrong again")


def test_unknown_merge_is_not_found(database: Database) -> None:
    with pytest.raises(NotFound), database.transaction() as session:
        service.unmerge(session, 999, "nothing")


def test_timeline_is_newest_first_and_pages_without_gaps(database: Database) -> None:
    add_source(database, "shop")
    messages = [
        track(
            "Product Viewed",
            message_id=f"m{n}",
            user_id="u1",
            timestamp=f"2026-03-{1 + n // 3:02d}T10:00:00Z",
        )
        for n in range(25)
    ]
    send(database, messages, source="shop")

    seen: list[int] = []
    stamps: list[datetime] = []
    cursor = None
    with database.transaction() as session:
        customer = session.scalars(select(Customer)).one()
        while True:
            page = service.profile(session, customer, limit=7, cursor=cursor)["timeline"]
            seen.extend(event["id"] for event in page["events"])
            stamps.extend(event["occurred_at"] for event in page["events"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert len(seen) == 25 == len(set(seen))
    assert stamps == sorted(stamps, reverse=True)


def test_find_by_email_and_phone_normalises_the_query(database: Database) -> None:
    add_source(database, "crm")
    send(
        database,
        [
            track(
                "Call Completed",
                message_id="c1",
                user_id="k1",
                email="Maija@Example.FI",
                phone="+358 40 765 4321",
            )
        ],
        source="crm",
    )

    with database.transaction() as session:
        by_email = service.find_by_contact(session, email=" maija@example.fi")
        by_phone = service.find_by_contact(session, phone="040-7654321", region="FI")
    assert by_email.id == by_phone.id
    with pytest.raises(NotFound), database.transaction() as session:
        service.find_by_contact(session, email="nobody@example.fi")
