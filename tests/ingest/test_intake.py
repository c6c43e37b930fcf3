from sqlalchemy import func, select

from kokemus.customers.models import Customer, Identity, Merge
from kokemus.ingest.models import Event
from kokemus.store import Database
from tests.factories import add_source, load_default_journey, send, track


def count(database: Database, model: type) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_same_message_id_is_stored_once(database: Database) -> None:
    add_source(database, "shop")
    message = track("Order Completed", message_id="m-1", user_id="u1")

    first = send(database, [message, message], source="shop")
    again = send(database, [message], source="shop")

    assert (first.accepted, first.duplicates) == (1, 1)
    assert (again.accepted, again.duplicates) == (0, 1)
    assert count(database, Event) == 1


def test_same_message_id_from_another_source_is_another_event(database: Database) -> None:
    add_source(database, "shop")
    add_source(database, "crm")
    message = track("Order Completed", message_id="m-1", user_id="u1")

    send(database, [message], source="shop")
    send(database, [message], source="crm")

    assert count(database, Event) == 2


def test_messages_without_id_are_identified_by_content(database: Database) -> None:
    add_source(database, "shop")
    message = {"type": "track", "event": "Order Completed", "userId": "u1"}

    send(database, [message], source="shop")
    report = send(database, [dict(message)], source="shop")

    assert report.duplicates == 1
    assert count(database, Event) == 1


def test_bad_items_are_rejected_with_field_and_good_ones_kept(database: Database) -> None:
    add_source(database, "shop")
    messages = [
        track("Order Completed", message_id="ok-1", user_id="u1"),
        {"type": "track", "messageId": "bad-1", "userId": "u2"},
        track("Order Completed", message_id="bad-2", user_id="u3", email="not-an-email"),
        track("Order Completed", message_id="bad-3", user_id="u4", timestamp="yesterday"),
        "just a string",
        {"type": "explode", "userId": "u5"},
        {"type": "track", "event": "x", "messageId": "bad-6"},
        track("Order Completed", message_id="ok-2", anonymous_id="a-1"),
    ]

    report = send(database, messages, source="shop")

    rejected = {(r.index, r.field) for r in report.rejected}
    assert rejected == {
        (1, "event"),
        (2, "context.traits.email"),
        (3, "timestamp"),
        (4, ""),
        (5, "type"),
        (6, "userId"),
    }
    assert report.accepted == 2
    assert count(database, Event) == 2


def test_unknown_source_on_a_line_is_rejected(database: Database) -> None:
    add_source(database, "shop")
    message = track("Order Completed", message_id="m-1", user_id="u1", source="nope")

    report = send(database, [message], source="shop")

    assert [(r.field, r.error) for r in report.rejected] == [("source", "unknown source 'nope'")]


def test_events_map_to_touchpoints_and_unknown_names_are_kept(database: Database) -> None:
    load_default_journey(database)
    add_source(database, "carrier")
    send(
        database,
        [
            track("Order Delivered", message_id="m-1", user_id="o-1"),
            track("Parcel Scanned", message_id="m-2", user_id="o-1"),
        ],
        source="carrier",
    )

    with database.transaction() as session:
        rows = {
            str(name): tp for name, tp in session.execute(select(Event.name, Event.touchpoint_id))
        }
    assert rows["Order Delivered"] is not None
    assert rows["Parcel Scanned"] is None


def test_events_with_the_same_email_from_different_sources_are_one_customer(
    database: Database,
) -> None:
    for name in ("shop", "carrier", "helpdesk"):
        add_source(database, name)
    send(
        database,
        [track("Order Completed", message_id="1", user_id="C1", email="Aino@Example.fi")],
        source="shop",
    )
    send(
        database,
        [track("Order Delivered", message_id="2", user_id="O-9", email="aino@example.fi ")],
        source="carrier",
    )
    send(
        database,
        [
            track(
                "Ticket Created",
                message_id="3",
                user_id="Z5",
                phone="040 123 4567",
                email="AINO@example.FI",
            )
        ],
        source="helpdesk",
    )

    assert count(database, Customer) == 1
    with database.transaction() as session:
        identities = {
            (kind, value) for kind, value in session.execute(select(Identity.kind, Identity.value))
        }
    assert identities == {
        ("user_id", "C1"),
        ("user_id", "O-9"),
        ("user_id", "Z5"),
        ("email", "aino@example.fi"),
        ("phone", "+358401234567"),
    }


def test_same_user_id_in_two_sources_is_not_the_same_person(database: Database) -> None:
    add_source(database, "shop")
    add_source(database, "helpdesk")
    send(database, [track("Order Completed", message_id="1", user_id="100")], source="shop")
    send(database, [track("Ticket Created", message_id="2", user_id="100")], source="helpdesk")

    assert count(database, Customer) == 2


def test_identify_traits_update_the_profile_latest_last(database: Database) -> None:
    add_source(database, "crm")
    send(
        database,
        [
            {
                "type": "identify",
                "userId": "u1",
                "messageId": "2",
                "timestamp": "2026-02-01T00:00:00Z",
                "traits": {"name": "Aino Virtanen", "plan": "gold"},
            },
            {
                "type": "identify",
                "userId": "u1",
                "messageId": "1",
                "timestamp": "2026-01-01T00:00:00Z",
                "traits": {"name": "Aino V.", "city": "Tampere"},
            },
        ],
        source="crm",
    )

    with database.transaction() as session:
        customer = session.scalars(select(Customer)).one()
    assert customer.traits == {"name": "Aino Virtanen", "plan": "gold", "city": "Tampere"}


def test_a_message_linking_two_known_customers_merges_them_with_a_reason(
    database: Database,
) -> None:
    add_source(database, "web")
    add_source(database, "shop")
    send(
        database,
        [{"type": "page", "name": "Home", "anonymousId": "anon-1", "messageId": "p1"}],
        source="web",
    )
    send(
        database,
        [track("Order Completed", message_id="o1", user_id="C7", email="x@example.fi")],
        source="shop",
    )
    assert count(database, Customer) == 2

    report = send(
        database,
        [{"type": "identify", "userId": "C7", "anonymousId": "anon-1", "messageId": "i1"}],
        source="shop",
    )

    assert report.merges == 1
    with database.transaction() as session:
        merge = session.scalars(select(Merge)).one()
        live = session.scalars(select(Customer).where(Customer.merged_into_id.is_(None))).all()
        owners = set(session.scalars(select(Identity.customer_id)))
    assert len(live) == 1
    assert owners == {live[0].id}
    assert "identify message 'i1'" in merge.reason
    assert "anonymous_id 'anon-1'" in merge.reason
    assert merge.survivor_id == live[0].id


def test_alias_links_the_previous_anonymous_id(database: Database) -> None:
    add_source(database, "web")
    send(
        database,
        [{"type": "page", "name": "Home", "anonymousId": "anon-9", "messageId": "p1"}],
        source="web",
    )
    send(database, [track("Order Completed", message_id="o1", user_id="U9")], source="web")

    send(
        database,
        [{"type": "alias", "previousId": "anon-9", "userId": "U9", "messageId": "a1"}],
        source="web",
    )

    with database.transaction() as session:
        live = session.scalar(
            select(func.count()).select_from(Customer).where(Customer.merged_into_id.is_(None))
        )
    assert live == 1


def test_ids_keep_counting_on_across_batches_and_merges(database: Database) -> None:
    add_source(database, "shop")
    for batch in range(3):
        send(
            database,
            [
                track("Order Completed", message_id=f"{batch}-{n}", user_id=f"u{batch}-{n}")
                for n in range(300)
            ],
            source="shop",
        )
    assert count(database, Customer) == 900
    assert count(database, Identity) == 900
    assert count(database, Event) == 900
