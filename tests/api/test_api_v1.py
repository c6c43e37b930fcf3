import orjson
from fastapi.testclient import TestClient

from kokemus.store import Database
from tests.factories import add_source, add_token, load_default_journey, send, track


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_needs_a_token_with_the_right_scope(client: TestClient, database: Database) -> None:
    add_source(database, "shop")
    reader = add_token(database, "dashboards", scope="read")
    body = [track("Order Completed", message_id="1", user_id="u1")]

    assert client.post("/api/v1/events?source=shop", json=body).status_code == 401
    assert (
        client.post(
            "/api/v1/events?source=shop", json=body, headers=bearer("kk_nonsense")
        ).status_code
        == 401
    )
    refused = client.post("/api/v1/events?source=shop", json=body, headers=bearer(reader))
    assert refused.status_code == 403
    assert "scope 'read'" in refused.json()["message"]
    assert client.get("/api/v1/journey", headers=bearer(reader)).status_code == 200


def test_events_as_json_array_and_ndjson(client: TestClient, database: Database) -> None:
    add_source(database, "shop")
    add_source(database, "carrier")
    writer = add_token(database, "etl", scope="write")
    array = [
        track("Order Completed", message_id="1", user_id="u1"),
        track("Order Delivered", message_id="2", user_id="o1", source="carrier"),
    ]
    ndjson = b"\n".join(
        [
            orjson.dumps(track("Order Completed", message_id="3", user_id="u2")),
            b"{broken",
            b"",
            orjson.dumps(track("Order Completed", message_id="4", user_id="u3", source="nowhere")),
        ]
    )

    first = client.post("/api/v1/events?source=shop", json=array, headers=bearer(writer))
    second = client.post(
        "/api/v1/events?source=shop",
        content=ndjson,
        headers={**bearer(writer), "Content-Type": "application/x-ndjson"},
    )

    assert first.json()["accepted"] == 2
    answer = second.json()
    assert answer["accepted"] == 1
    assert [(r["index"], r["field"]) for r in answer["rejected"]] == [(1, ""), (3, "source")]
    assert answer["rejected"][0]["error"].startswith("not valid JSON")


def test_unknown_default_source_is_422_naming_the_field(
    client: TestClient, database: Database
) -> None:
    writer = add_token(database, "etl", scope="write")
    response = client.post("/api/v1/events?source=nope", json=[], headers=bearer(writer))
    assert response.status_code == 422
    assert response.json()["field"] == "source"


def test_customer_profile_by_email_id_and_merged_id(client: TestClient, database: Database) -> None:
    load_default_journey(database)
    for name in ("web", "shop", "carrier"):
        add_source(database, name)
    reader = add_token(database, "reader", scope="read")
    send(
        database,
        [
            {
                "type": "page",
                "name": "Home",
                "anonymousId": "a1",
                "messageId": "p",
                "timestamp": "2026-04-30T09:00:00Z",
            }
        ],
        source="web",
    )
    send(
        database,
        [
            track(
                "Order Completed",
                message_id="o",
                user_id="C1",
                email="eero@example.fi",
                timestamp="2026-05-01T10:00:00Z",
            )
        ],
        source="shop",
    )
    send(
        database,
        [
            track(
                "Order Delivered",
                message_id="d",
                user_id="O-1",
                email="eero@example.fi",
                timestamp="2026-05-03T10:00:00Z",
            )
        ],
        source="carrier",
    )
    send(
        database,
        [
            {
                "type": "identify",
                "userId": "C1",
                "anonymousId": "a1",
                "messageId": "i",
                "timestamp": "2026-04-30T09:05:00Z",
            }
        ],
        source="shop",
    )

    profile = client.get(
        "/api/v1/customers", params={"email": "EERO@example.fi"}, headers=bearer(reader)
    ).json()

    assert {i["kind"] for i in profile["identities"]} == {"anonymous_id", "user_id", "email"}
    # First seen when the web visit happened, not when the rows were written.
    assert profile["first_seen_at"].startswith("2026-04-30T09:00:00")
    events = profile["timeline"]["events"]
    assert [e["source"] for e in events][:2] == ["carrier", "shop"]
    assert events[0]["touchpoint"] == {
        "key": "home-delivery",
        "name": "Home delivery",
        "stage": "delivery",
    }
    assert {e["name"] for e in events} >= {"Home", "Order Completed", "Order Delivered"}
    by_id = client.get(f"/api/v1/customers/{profile['id']}", headers=bearer(reader)).json()
    assert by_id["id"] == profile["id"]
    merged_id = profile["merges"][0]["merged_id"]
    moved = client.get(
        f"/api/v1/customers/{merged_id}", headers=bearer(reader), follow_redirects=False
    )
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/api/v1/customers/{profile['id']}"


def test_customer_timeline_pages(client: TestClient, database: Database) -> None:
    add_source(database, "shop")
    reader = add_token(database, "reader", scope="read")
    send(
        database,
        [
            track("Product Viewed", message_id=str(n), user_id="u", email="p@example.fi")
            for n in range(12)
        ],
        source="shop",
    )

    first = client.get(
        "/api/v1/customers", params={"email": "p@example.fi", "limit": 5}, headers=bearer(reader)
    ).json()["timeline"]
    second = client.get(
        "/api/v1/customers",
        params={"email": "p@example.fi", "limit": 5, "cursor": first["next_cursor"]},
        headers=bearer(reader),
    ).json()["timeline"]

    assert len(first["events"]) == len(second["events"]) == 5
    assert not {e["id"] for e in first["events"]} & {e["id"] for e in second["events"]}
    bad = client.get(
        "/api/v1/customers",
        params={"email": "p@example.fi", "cursor": "zz"},
        headers=bearer(reader),
    )
    assert bad.status_code == 422


def test_customer_not_found_and_bad_queries(client: TestClient, database: Database) -> None:
    reader = add_token(database, "reader", scope="read")
    assert client.get("/api/v1/customers/12345", headers=bearer(reader)).status_code == 404
    assert (
        client.get(
            "/api/v1/customers", params={"email": "x@example.fi"}, headers=bearer(reader)
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/api/v1/customers", params={"email": "broken"}, headers=bearer(reader)
        ).status_code
        == 422
    )
    assert client.get("/api/v1/customers", headers=bearer(reader)).status_code == 422
    assert (
        client.get(
            "/api/v1/customers",
            params={"email": "x@example.fi", "limit": 0},
            headers=bearer(reader),
        ).status_code
        == 422
    )


def test_undo_merge_needs_admin(client: TestClient, database: Database) -> None:
    add_source(database, "web")
    admin = add_token(database, "admin", scope="admin")
    writer = add_token(database, "writer", scope="write")
    send(
        database,
        [
            {"type": "page", "name": "Home", "anonymousId": "a1", "messageId": "p"},
            track("X", message_id="x", user_id="U1"),
            {"type": "identify", "userId": "U1", "anonymousId": "a1", "messageId": "i"},
        ],
        source="web",
    )
    params = {"reason": "shared tablet"}

    assert (
        client.post(
            "/api/v1/customers/merges/1/undo", params=params, headers=bearer(writer)
        ).status_code
        == 403
    )
    undone = client.post("/api/v1/customers/merges/1/undo", params=params, headers=bearer(admin))
    assert undone.status_code == 200
    assert undone.json()["undo_reason"] == "shared tablet"
    assert (
        client.post(
            "/api/v1/customers/merges/1/undo", params=params, headers=bearer(admin)
        ).status_code
        == 409
    )


CASE_ACTIONS = ("transitions", "root-cause", "resolution", "contacts", "notes", "claim")


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    routes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert routes == {
        ("POST", f"/v1/{kind}")
        for kind in ("batch", "track", "identify", "page", "screen", "alias", "group")
    } | {
        ("POST", "/api/v1/events"),
        ("GET", "/api/v1/customers"),
        ("GET", "/api/v1/customers/{customer_id}"),
        ("POST", "/api/v1/customers/merges/{merge_id}/undo"),
        ("GET", "/api/v1/journey"),
        ("GET", "/api/v1/journey/unmapped"),
        ("GET", "/api/v1/surveys"),
        ("POST", "/api/v1/surveys"),
        ("GET", "/api/v1/surveys/templates"),
        ("POST", "/api/v1/surveys/templates/{name}"),
        ("GET", "/api/v1/surveys/{ref}"),
        ("PUT", "/api/v1/surveys/{ref}"),
        ("POST", "/api/v1/surveys/{ref}/publish"),
        ("POST", "/api/v1/surveys/{ref}/close"),
        ("GET", "/api/v1/surveys/{ref}/responses"),
        ("POST", "/api/v1/surveys/{ref}/responses"),
        ("GET", "/api/v1/surveys/{ref}/export"),
        ("GET", "/api/v1/surveys/{ref}/qr"),
        ("GET", "/api/v1/surveys/{ref}/widget"),
        ("GET", "/api/v1/texts"),
        ("GET", "/api/v1/metrics/{metric}"),
        ("POST", "/api/v1/insights/drivers"),
        ("GET", "/api/v1/insights/moments"),
        ("GET", "/api/v1/insights/journeys"),
        ("GET", "/api/v1/insights/link"),
        ("GET", "/api/v1/goals"),
        ("POST", "/api/v1/goals"),
        ("GET", "/api/v1/goals/{goal_id}"),
        ("PUT", "/api/v1/goals/{goal_id}"),
        ("DELETE", "/api/v1/goals/{goal_id}"),
        ("GET", "/api/v1/surveys/{ref}/triggers"),
        ("POST", "/api/v1/surveys/{ref}/triggers"),
        ("POST", "/api/v1/surveys/{ref}/triggers/{trigger_id}/disable"),
    } | {
        ("GET", "/api/v1/cases"),
        ("POST", "/api/v1/cases"),
        ("GET", "/api/v1/cases/root-causes"),
        ("GET", "/api/v1/cases/recovery"),
        ("GET", "/api/v1/cases/{case_id}"),
        ("PATCH", "/api/v1/cases/{case_id}"),
        *(("POST", f"/api/v1/cases/{{case_id}}/{action}") for action in CASE_ACTIONS),
        ("GET", "/api/v1/alert-rules"),
        ("POST", "/api/v1/alert-rules"),
        ("GET", "/api/v1/alert-rules/{key}"),
        ("POST", "/api/v1/alert-rules/{key}/activation"),
        ("GET", "/api/v1/webhooks"),
        ("POST", "/api/v1/webhooks"),
        ("GET", "/api/v1/webhooks/{name}/deliveries"),
    }
    batch_body = schema["paths"]["/v1/batch"]["post"]["requestBody"]
    assert batch_body["content"]["application/json"]["schema"]["$ref"].endswith("SegmentBatch")
    assert "SegmentMessage" in schema["components"]["schemas"]


def test_api_reference_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "/openapi.json" in html
        assert "http://" not in html
        assert "https://" not in html
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css") if page == "/docs" else ():
            assert asset in html
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_unknown_query_parameters_are_named(client: TestClient, database: Database) -> None:
    reader = add_token(database, "reader", scope="read")
    response = client.get(
        "/api/v1/customers", params={"emial": "a@example.fi"}, headers=bearer(reader)
    )
    assert response.status_code == 422
    assert response.json()["field"] == "emial"
    assert "email" in response.json()["message"]
