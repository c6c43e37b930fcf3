import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from kokemus.customers.models import Identity
from kokemus.store import Database
from kokemus.surveys import catalog
from tests.factories import add_source, add_token, load_default_journey, send, track


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def published_post_delivery(client: TestClient, admin: str) -> dict[str, Any]:
    created = client.post("/api/v1/surveys/templates/post-delivery", headers=bearer(admin))
    assert created.status_code == 201
    published = client.post("/api/v1/surveys/post-delivery/publish", headers=bearer(admin))
    assert published.status_code == 200
    body: dict[str, Any] = published.json()
    return body


def test_a_survey_is_created_edited_published_and_closed(
    client: TestClient, database: Database
) -> None:
    load_default_journey(database)
    admin = add_token(database, "admin", scope="admin")
    reader = add_token(database, "reader", scope="read")
    document = catalog.load_template("relational-nps").model_dump(mode="json", exclude_none=True)
    document["key"] = "nps-2026"
    document["title"] = {"fi": "Suosittelu"}  # sv and en missing

    assert client.post("/api/v1/surveys", json=document, headers=bearer(reader)).status_code == 403
    created = client.post("/api/v1/surveys", json=document, headers=bearer(admin))
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    assert client.post("/api/v1/surveys", json=document, headers=bearer(admin)).status_code == 409

    refused = client.post("/api/v1/surveys/nps-2026/publish", headers=bearer(admin))
    assert refused.status_code == 422
    assert "title: no sv translation" in refused.json()["message"]

    document["title"] = {"fi": "Suosittelu", "sv": "Rekommendation", "en": "Recommendation"}
    assert (
        client.put("/api/v1/surveys/nps-2026", json=document, headers=bearer(admin)).status_code
        == 200
    )
    published = client.post("/api/v1/surveys/nps-2026/publish", headers=bearer(admin))
    assert published.json()["published_version"] == 1
    listed = client.get("/api/v1/surveys", headers=bearer(reader)).json()
    assert [(s["key"], s["status"], s["version"]) for s in listed] == [("nps-2026", "published", 1)]
    closed = client.post("/api/v1/surveys/nps-2026/close", headers=bearer(admin))
    assert closed.json()["status"] == "closed"


def test_a_bad_definition_names_the_field(client: TestClient, database: Database) -> None:
    admin = add_token(database, "admin", scope="admin")
    document = {
        "key": "x",
        "languages": ["fi"],
        "title": {"fi": "x"},
        "questions": [{"key": "q", "type": "stars", "text": {"fi": "x"}}],
    }
    answer = client.post("/api/v1/surveys", json=document, headers=bearer(admin))
    assert answer.status_code == 422
    assert "questions[0].type" in answer.json()["message"]


def test_responses_from_another_channel_are_linked_and_idempotent(
    client: TestClient, database: Database
) -> None:
    load_default_journey(database)
    add_source(database, "carrier", kind="carrier")
    send(
        database,
        [track("Order Delivered", message_id="d1", user_id="o-1", email="aino@example.fi")],
        source="carrier",
    )
    admin = add_token(database, "admin", scope="admin")
    writer = add_token(database, "kiosk", scope="write")
    published_post_delivery(client, admin)
    with database.transaction() as session:
        event_id = session.scalar(select(Identity.customer_id).where(Identity.kind == "email"))
    body = {
        "answers": {"delivery-stars": 2, "expectation": 1, "improve": "Tuoli tuli rikki"},
        "language": "fi",
        "channel": "sms",
        "customer": {"email": "Aino@Example.fi"},
        "touchpoint": "home-delivery",
        "submitted_at": "2026-10-02T10:00:00+03:00",
        "external_id": "sms-991",
    }
    first = client.post(
        "/api/v1/surveys/post-delivery/responses", json=body, headers=bearer(writer)
    )
    assert first.status_code == 201, first.text
    stored = first.json()
    assert stored["customer_id"] == event_id
    assert stored["channel"] == "sms"
    assert stored["submitted_at"].startswith("2026-10-02T07:00:00")
    again = client.post(
        "/api/v1/surveys/post-delivery/responses", json=body, headers=bearer(writer)
    )
    assert again.status_code == 200
    assert again.json()["id"] == stored["id"]

    new_person = {**body, "external_id": "sms-992", "customer": {"phone": "040 123 4567"}}
    created = client.post(
        "/api/v1/surveys/post-delivery/responses", json=new_person, headers=bearer(writer)
    )
    assert created.status_code == 201
    assert created.json()["customer_id"] not in (None, event_id)

    listed = client.get("/api/v1/surveys/post-delivery/responses", headers=bearer(writer)).json()
    assert [r["id"] for r in listed["responses"]] == [stored["id"], created.json()["id"]]


def test_a_bad_response_names_the_field(client: TestClient, database: Database) -> None:
    load_default_journey(database)
    admin = add_token(database, "admin", scope="admin")
    writer = add_token(database, "kiosk", scope="write")
    published_post_delivery(client, admin)
    url = "/api/v1/surveys/post-delivery/responses"
    cases = [
        ({"answers": {"delivery-stars": 7}}, "answers.delivery-stars"),
        ({"answers": {"colour": "red", "delivery-stars": 3}}, "answers.colour"),
        ({"answers": {"expectation": 3}}, "answers.delivery-stars"),
        ({"answers": {"delivery-stars": 3}, "touchpoint": "moon"}, "touchpoint"),
        ({"answers": {"delivery-stars": 3}, "unit": "moon"}, "unit"),
        ({"answers": {"delivery-stars": 3}, "event_id": 999}, "event_id"),
        (
            {"answers": {"delivery-stars": 3}, "customer": {"email": "not-an-address"}},
            "customer.email",
        ),
        ({"answers": {"delivery-stars": 3}, "submitted_at": "2026-10-02T10:00:00"}, "submitted_at"),
        ({"answers": {"delivery-stars": 3}, "mood": "good"}, "mood"),
    ]
    for body, field in cases:
        answer = client.post(url, json=body, headers=bearer(writer))
        assert answer.status_code == 422, (body, answer.text)
        named = answer.json().get("field") or answer.json()["problems"][0]["field"]
        assert named == field, (body, answer.json())
    assert client.get(url, headers=bearer(writer)).json()["responses"] == []


def test_export_as_csv_and_xlsx_with_redacted_text(client: TestClient, database: Database) -> None:
    load_default_journey(database)
    admin = add_token(database, "admin", scope="admin")
    published_post_delivery(client, admin)
    body = {
        "answers": {
            "delivery-stars": 1,
            "expectation": 5,
            "arrived-intact": "damaged",
            "improve": "=HYPERLINK(x) soita 040 123 4567",
        }
    }
    assert (
        client.post(
            "/api/v1/surveys/post-delivery/responses", json=body, headers=bearer(admin)
        ).status_code
        == 201
    )
    exported = client.get("/api/v1/surveys/post-delivery/export?format=csv", headers=bearer(admin))
    assert exported.headers["content-type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert row["delivery-stars"] == "1"
    assert row["expectation.band"] == "excellent"
    assert row["arrived-intact"] == "damaged"
    assert row["touchpoint"] == "home-delivery"
    assert row["improve"].startswith("'=HYPERLINK(x) soita ")
    assert "040 123 4567" not in row["improve"]

    workbook = client.get("/api/v1/surveys/post-delivery/export?format=xlsx", headers=bearer(admin))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    header, values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert dict(zip(header, values, strict=True))["delivery-stars"] == 1


def test_qr_codes_and_the_widget_snippet(client: TestClient, database: Database) -> None:
    load_default_journey(database)
    admin = add_token(database, "admin", scope="admin")
    survey = published_post_delivery(client, admin)
    svg = client.get(
        "/api/v1/surveys/post-delivery/qr?touchpoint=home-delivery", headers=bearer(admin)
    )
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml")
    assert b"<svg" in svg.content
    assert svg.headers["x-survey-link"].endswith(
        f"/s/{survey['public_id']}?via=qr&tp=home-delivery"
    )
    png = client.get(
        "/api/v1/surveys/post-delivery/qr?format=png&unit=store", headers=bearer(admin)
    )
    assert png.content.startswith(b"\x89PNG")
    bad = client.get("/api/v1/surveys/post-delivery/qr?touchpoint=moon", headers=bearer(admin))
    assert bad.status_code == 422
    snippet = client.get("/api/v1/surveys/post-delivery/widget", headers=bearer(admin)).json()
    assert f'data-survey="{survey["public_id"]}"' in snippet["snippet"]
    script = client.get("/static/widget.js")
    assert script.status_code == 200
    assert "showModal" in script.text


def test_triggers_through_the_api(client: TestClient, database: Database) -> None:
    load_default_journey(database)
    admin = add_token(database, "admin", scope="admin")
    published_post_delivery(client, admin)
    url = "/api/v1/surveys/post-delivery/triggers"
    body = {"event_name": "Order Delivered", "delay_minutes": 120, "sample_percent": 50}
    created = client.post(url, json=body, headers=bearer(admin))
    assert created.status_code == 201
    trigger = created.json()
    assert trigger["quiet_hours"] == ["21:00", "08:00"]
    assert trigger["fatigue_days"] == 30
    both = {"event_name": "Order Delivered", "touchpoint": "home-delivery"}
    refused = client.post(url, json=both, headers=bearer(admin))
    assert refused.status_code == 422
    assert refused.json()["field"] == "event_name"
    bad_quiet = client.post(
        url,
        json={"touchpoint": "home-delivery", "quiet_hours": ["25:00", "08:00"]},
        headers=bearer(admin),
    )
    assert bad_quiet.json()["field"] == "quiet_hours"
    disabled = client.post(f"{url}/{trigger['id']}/disable", headers=bearer(admin))
    assert disabled.json()["active"] is False
    assert [t["active"] for t in client.get(url, headers=bearer(admin)).json()] == [False]
    assert client.post(f"{url}/999/disable", headers=bearer(admin)).status_code == 404


def test_a_survey_named_by_a_huge_number_is_simply_not_found(
    client: TestClient, database: Database
) -> None:
    reader = add_token(database, "reader", scope="read")
    for ref in ("99999999999999999999", "2147483648"):
        assert client.get(f"/api/v1/surveys/{ref}", headers=bearer(reader)).status_code == 404
        listed = client.get(f"/api/v1/texts?survey={ref}", headers=bearer(reader))
        assert listed.status_code == 404
