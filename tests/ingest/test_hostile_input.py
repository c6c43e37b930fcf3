"""Whatever arrives, each item is stored exactly as sent or refused with a field named."""

from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kokemus.ingest.models import Event, Source
from kokemus.store import Database
from tests.factories import add_source, send

json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
anything = json_values | st.floats(allow_nan=False, allow_infinity=False)

messages: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"messageId": st.text(min_size=1, max_size=30)},
    optional={
        "type": st.sampled_from(["track", "page", "identify", "alias", "bogus"]) | anything,
        "event": st.text(max_size=30) | anything,
        "name": st.text(max_size=30),
        "userId": st.text(max_size=30) | st.integers() | anything,
        "anonymousId": st.text(max_size=30),
        "previousId": st.text(max_size=30),
        "timestamp": st.datetimes().map(lambda d: d.isoformat()) | st.text(max_size=30),
        "properties": st.dictionaries(st.text(max_size=10), json_values, max_size=5) | anything,
        "traits": st.dictionaries(
            st.sampled_from(["email", "phone", "name"]), st.text(max_size=30)
        ),
        "context": st.dictionaries(st.text(max_size=10), json_values, max_size=3),
    },
)


def _message_id(message: dict[str, Any]) -> str:
    return str(message["messageId"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(messages, min_size=1, max_size=8, unique_by=_message_id))
def test_any_batch_is_stored_or_refused_item_by_item(
    database: Database, batch: list[dict[str, Any]]
) -> None:
    if not _sources(database):
        add_source(database, "fuzz")
    with database.transaction() as session:
        before = set(session.scalars(select(Event.message_id)))
    fresh = [message for message in batch if message["messageId"] not in before]

    report = send(database, fresh, source="fuzz")

    assert report.accepted + len(report.rejected) == len(fresh)
    refused = {rejection.index for rejection in report.rejected}
    assert all(isinstance(r.field, str) and r.error for r in report.rejected)
    with database.transaction() as session:
        stored = {e.message_id: e for e in session.scalars(select(Event))}
    for index, message in enumerate(fresh):
        if index in refused:
            assert message["messageId"] not in stored
            continue
        event = stored[message["messageId"]]
        kind = message["type"]
        expected = (
            message.get("traits") if kind in ("identify", "group") else message.get("properties")
        )
        assert (event.properties or None) == (expected or None)
        assert (event.context or None) == (message.get("context") or None)


def _sources(database: Database) -> bool:
    with database.transaction() as session:
        return session.scalars(select(Source)).first() is not None


def test_nul_characters_are_refused_with_the_field(database: Database) -> None:
    add_source(database, "web")
    report = send(
        database,
        [
            {"type": "track", "event": "X", "userId": "u", "properties": {"note": "a\x00b"}},
            {"type": "track", "event": "X\x00", "userId": "u"},
            {"type": "track", "event": "X", "userId": "u\x00"},
            {"type": "track", "event": "X", "userId": "u", "messageId": "ok"},
        ],
        source="web",
    )

    assert [(r.index, r.field) for r in report.rejected] == [
        (0, "properties"),
        (1, "event"),
        (2, "userId"),
    ]
    assert report.accepted == 1


def test_out_of_range_timestamps_are_refused(database: Database) -> None:
    add_source(database, "web")
    report = send(
        database,
        [
            {
                "type": "track",
                "event": "X",
                "userId": "u",
                "timestamp": "0001-01-01T00:00:00+01:00",
            },
            {
                "type": "track",
                "event": "X",
                "userId": "u",
                "timestamp": "9999-12-31T23:59:59-05:00",
            },
            {"type": "track", "event": "X", "userId": "u", "timestamp": "1899-12-31T23:59:59"},
        ],
        source="web",
    )
    assert [(r.index, r.field) for r in report.rejected] == [
        (0, "timestamp"),
        (1, "timestamp"),
        (2, "timestamp"),
    ]
    assert orjson.dumps(report.as_dict())


def test_numbers_beyond_64_bits_are_refused(database: Database) -> None:
    add_source(database, "web")
    report = send(
        database,
        [
            {"type": "track", "event": "X", "userId": "u", "properties": {"n": 10**30}},
            {"type": "track", "event": "X", "userId": 10**30, "messageId": "ok"},
        ],
        source="web",
    )
    assert [(r.index, r.field) for r in report.rejected] == [(0, ""), (1, "")]
    assert "64-bit" in report.rejected[0].error
