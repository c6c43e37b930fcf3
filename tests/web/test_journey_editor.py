"""The journey map editor: the form as shown, changed and sent back, becomes the new map."""

from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kokemus.audit.models import AuditEntry
from kokemus.journeys.models import JourneyVersion, Touchpoint
from kokemus.journeys.service import journey_document
from kokemus.store import Database
from kokemus.web.journey_editor import document_from_form
from tests.accounts.helpers import add_user
from tests.factories import load_default_journey
from tests.web.helpers import sign_in


class FormFields(HTMLParser):
    """What a browser would send for the page's form, nothing ticked that was not."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        name = found.get("name")
        if tag == "input" and name:
            if found.get("type") != "checkbox" or "checked" in found:
                self.fields[name] = found.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in found:
            self.fields[self._select] = found.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def form_of(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def signed_in(client: TestClient, store: Database, role: str = "admin") -> TestClient:
    units = ["store"] if role != "admin" else []
    add_user(store, f"{role}@example.com", role=role, units=units)
    assert sign_in(client, f"{role}@example.com").status_code == 303
    return client


def test_the_form_as_shown_saves_the_same_map(client: TestClient, store: Database) -> None:
    load_default_journey(store)
    with store.transaction() as session:
        before = journey_document(session)
    signed_in(client, store)
    page = client.get("/journey/edit")
    assert page.status_code == 200
    saved = client.post("/journey/edit", data=form_of(page.text), follow_redirects=False)
    assert saved.status_code == 303
    with store.transaction() as session:
        assert journey_document(session) == before
        assert session.scalar(select(func.count()).select_from(JourneyVersion)) == 2


def test_rename_add_remove_and_reorder(client: TestClient, store: Database) -> None:
    load_default_journey(store)
    signed_in(client, store)
    fields = form_of(client.get("/journey/edit").text)
    first_stage = fields["stage-0-key"]
    fields["tp-0-0-name"] = "Ads <b>everywhere</b>"
    fields["tp-0-1-remove"] = "1"
    rows = [name for name in fields if name.startswith("tp-0-") and name.endswith("-key")]
    removed_key = fields["tp-0-1-key"]
    new = f"tp-0-{len(rows) - 1}-"  # the blank row after the stage's own
    fields.update(
        {
            new + "key": "podcast",
            new + "name": "Podcast",
            new + "encounter_kind": "brand",
            new + "channel": "audio",
            new + "channel_class": "paid",
            new + "events": "Podcast Listened\nPodcast Shared",
            new + "position": "0",
        }
    )
    fields["stage-0-position"] = "99"
    saved = client.post("/journey/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with store.transaction() as session:
        document = journey_document(session)
        assert document["stages"][-1]["key"] == first_stage
        touchpoints = document["stages"][-1]["touchpoints"]
        assert touchpoints[0]["key"] == "podcast"
        assert touchpoints[0]["events"] == ["Podcast Listened", "Podcast Shared"]
        assert touchpoints[1]["name"] == "Ads <b>everywhere</b>"
        # Of the stage's three, one removed and one added.
        assert len(touchpoints) == 3
        assert removed_key not in [touchpoint["key"] for touchpoint in touchpoints]
        removed = session.scalars(select(Touchpoint).where(Touchpoint.active.is_(False))).all()
        assert len(removed) == 1
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "journey.edit"))
    shown = client.get("/journey").text
    assert "Ads &lt;b&gt;everywhere&lt;/b&gt;" in shown


def test_a_bad_map_is_refused_naming_the_problem(client: TestClient, store: Database) -> None:
    load_default_journey(store)
    signed_in(client, store)
    fields = form_of(client.get("/journey/edit").text)
    fields["tp-0-1-key"] = fields["tp-0-0-key"]
    refused = client.post("/journey/edit", data=fields)
    assert refused.status_code == 422
    assert "appears more than once" in refused.text
    assert "The map was not saved" in refused.text
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(JourneyVersion)) == 1


def test_only_admins_with_the_form_token(client: TestClient, store: Database) -> None:
    load_default_journey(store)
    signed_in(client, store, role="manager")
    assert client.get("/journey/edit").status_code == 403
    assert client.post("/journey/edit", data={}).status_code == 403


def test_a_missing_form_token_is_refused(client: TestClient, store: Database) -> None:
    load_default_journey(store)
    signed_in(client, store)
    fields = form_of(client.get("/journey/edit").text)
    del fields["csrf"]
    assert client.post("/journey/edit", data=fields).status_code == 403


def test_blank_new_rows_are_left_out_and_positions_order_rows() -> None:
    current = {"name": "Map", "units": [{"key": "hq", "name": "HQ", "kind": "function"}]}
    fields = {
        "name": "",
        "stage-0-key": "buy",
        "stage-0-name": "Buy",
        "stage-0-position": "2",
        "tp-0-0-key": "shop",
        "tp-0-0-name": "Shop",
        "tp-0-0-encounter_kind": "digital",
        "tp-0-0-channel": "web",
        "tp-0-0-channel_class": "owned",
        "tp-0-0-owner": "hq",
        "tp-0-1-key": "",
        "stage-1-key": "learn",
        "stage-1-name": "Learn",
        "stage-1-position": "1",
        "stage-2-key": "",
    }
    document = document_from_form(fields, current)
    assert document["name"] == "Map"
    assert document["units"] == current["units"]
    assert [stage["key"] for stage in document["stages"]] == ["learn", "buy"]
    assert document["stages"][1]["touchpoints"] == [
        {
            "key": "shop",
            "name": "Shop",
            "encounter_kind": "digital",
            "channel": "web",
            "channel_class": "owned",
            "owner": "hq",
            "events": [],
        }
    ]
