import base64
import gzip

import orjson
from fastapi.testclient import TestClient

from kokemus.store import Database
from tests.factories import add_source, load_default_journey


def basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def test_batch_with_basic_auth_stores_every_type(client: TestClient, database: Database) -> None:
    load_default_journey(database)
    key = add_source(database, "web")
    batch = {
        "batch": [
            {"type": "page", "name": "Home", "anonymousId": "a1", "messageId": "1"},
            {
                "type": "identify",
                "userId": "u1",
                "anonymousId": "a1",
                "messageId": "2",
                "traits": {"email": "u1@example.fi"},
            },
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "3"},
            {"type": "screen", "name": "Cart", "userId": "u1", "messageId": "4"},
            {"type": "alias", "previousId": "a1", "userId": "u1", "messageId": "5"},
        ]
    }

    response = client.post("/v1/batch", json=batch, headers=basic(key))

    assert response.status_code == 200
    assert response.json() | {"customers_created": 0} == {
        "success": True,
        "accepted": 5,
        "duplicates": 0,
        "rejected": [],
        "customers_created": 0,
        "merges": 0,
    }


def test_write_key_in_the_body_is_accepted(client: TestClient, database: Database) -> None:
    key = add_source(database, "web")
    body = {"writeKey": key, "batch": [{"type": "track", "event": "X", "userId": "u"}]}
    assert client.post("/v1/batch", json=body).json()["accepted"] == 1


def test_missing_or_wrong_write_key_is_401(client: TestClient, database: Database) -> None:
    add_source(database, "web")
    body = {"batch": [{"type": "track", "event": "X", "userId": "u"}]}

    missing = client.post("/v1/batch", json=body)
    wrong = client.post("/v1/batch", json=body, headers=basic("src_wrong"))

    assert missing.status_code == wrong.status_code == 401
    assert wrong.json() == {"code": "unauthorized", "message": "unknown write key"}


def test_partial_batch_names_the_refused_items(client: TestClient, database: Database) -> None:
    key = add_source(database, "web")
    batch = {
        "batch": [
            {"type": "track", "event": "Good", "userId": "u", "messageId": "1"},
            {"type": "track", "userId": "u", "messageId": "2"},
            {"type": "track", "event": "Also good", "anonymousId": "a", "messageId": "3"},
            {"type": "identify", "userId": "u", "traits": {"email": "nope"}, "messageId": "4"},
        ]
    }

    answer = client.post("/v1/batch", json=batch, headers=basic(key)).json()

    assert answer["success"] is False
    assert answer["accepted"] == 2
    assert answer["rejected"] == [
        {"index": 1, "field": "event", "error": "required"},
        {"index": 3, "field": "traits.email", "error": answer["rejected"][1]["error"]},
    ]
    assert answer["rejected"][1]["error"].startswith("not a valid email address")


def test_single_track_call_and_resend_is_idempotent(client: TestClient, database: Database) -> None:
    key = add_source(database, "web")
    message = {"event": "Order Completed", "userId": "u1", "messageId": "abc"}

    first = client.post("/v1/track", json=message, headers=basic(key)).json()
    second = client.post("/v1/track", json=message, headers=basic(key)).json()

    assert (first["accepted"], second["accepted"], second["duplicates"]) == (1, 0, 1)


def test_gzip_bodies_are_read(client: TestClient, database: Database) -> None:
    key = add_source(database, "web")
    body = gzip.compress(orjson.dumps({"batch": [{"type": "track", "event": "X", "userId": "u"}]}))
    response = client.post(
        "/v1/batch",
        content=body,
        headers={**basic(key), "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.json()["accepted"] == 1


def test_hostile_bodies_are_refused(client: TestClient, database: Database) -> None:
    key = add_source(database, "web")
    bomb = gzip.compress(b"[" + b" " * 20_000_000 + b"]")
    too_big = b'{"batch": [' + b" " * 5_000_000 + b"]}"
    headers = {**basic(key), "Content-Type": "application/json"}

    assert (
        client.post(
            "/v1/batch", content=bomb, headers={**headers, "Content-Encoding": "gzip"}
        ).status_code
        == 413
    )
    assert client.post("/v1/batch", content=too_big, headers=headers).status_code == 413
    assert client.post("/v1/batch", content=b"{not json", headers=headers).status_code == 400
    assert client.post("/v1/batch", content=b"[1, 2]", headers=headers).status_code == 400
    huge = {
        "batch": [
            {"type": "track", "event": "X", "userId": "u", "properties": {"blob": "x" * 40_000}}
        ]
    }
    answer = client.post("/v1/batch", json=huge, headers=headers).json()
    assert answer["rejected"][0]["error"].startswith("message is")


def test_a_refused_single_call_is_a_4xx_naming_the_field(
    client: TestClient, database: Database
) -> None:
    key = add_source(database, "web")

    missing_event = client.post("/v1/track", json={"userId": "u"}, headers=basic(key))
    not_an_object = client.post("/v1/identify", json=[1, 2], headers=basic(key))

    assert missing_event.status_code == 422
    assert missing_event.json()["field"] == "event"
    assert not_an_object.status_code == 400


def test_fields_the_route_does_not_use_must_still_be_what_they_say(
    client: TestClient, database: Database
) -> None:
    key = add_source(database, "web")

    wrong_type = client.post(
        "/v1/identify", json={"userId": "u", "type": "alias"}, headers=basic(key)
    )
    numeric_event = client.post(
        "/v1/identify", json={"userId": "u", "event": 3}, headers=basic(key)
    )
    same_type = client.post(
        "/v1/identify", json={"userId": "u", "type": "identify"}, headers=basic(key)
    )

    assert (wrong_type.status_code, wrong_type.json()["field"]) == (422, "type")
    assert (numeric_event.status_code, numeric_event.json()["field"]) == (422, "event")
    assert same_type.status_code == 200
