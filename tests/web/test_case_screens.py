"""The case screens on both stores: the list by due time, filtered and scoped; one case
with its forms; guards' refusals beside the form; a partner kept to its own cases."""

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts.models import User
from kokemus.app import create_app
from kokemus.cases import service
from kokemus.cases.escalation import escalate
from kokemus.cases.models import Case, CaseContact
from kokemus.config import Settings
from kokemus.journeys.models import Unit
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys.models import Response
from tests.accounts.helpers import add_user
from tests.cases.helpers import context, respond
from tests.factories import add_source, load_default_journey
from tests.surveys.helpers import publish_template
from tests.web.helpers import assert_no_inline_script, csrf_of, sign_in

HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


@dataclass
class Loop:
    """Three cases: the carrier's damaged delivery (from a response), the store's wrong
    size, and customer service's overdue callback."""

    database: Database
    settings: Settings
    ids: dict[str, int]
    clients: ExitStack = field(default_factory=ExitStack)

    def client(self, email: str) -> TestClient:
        client = self.clients.enter_context(TestClient(create_app(self.settings, self.database)))
        assert sign_in(client, email).status_code == 303
        return client

    def case(self, name: str) -> Case:
        with self.database.transaction() as session:
            found = session.get(Case, self.ids[name])
            assert found is not None
            return found


def open_case(session: Session, reason: str, owner: str, **given: Any) -> int:
    opening = service.Opening(reason=reason, owner_unit_id=_unit(session, owner), **given)
    return service.create(context(session), opening).id


@pytest.fixture
def loop(settings: Settings, database: Database) -> Iterator[Loop]:
    load_default_journey(database)
    add_source(database, "shop")
    publish_template(database, "post-delivery")
    comment = f"Tuoli tuli rikki {HOSTILE}, soita 040 123 4567"
    response_id = respond(database, "aino", {"delivery-stars": 2, "improve": comment})
    with database.transaction() as session:
        customer = session.scalar(select(Response.customer_id).where(Response.id == response_id))
        ids = {
            "damaged": open_case(
                session,
                f"Damaged chair {HOSTILE}",
                "carrier",
                priority="high",
                customer_id=customer,
                response_id=response_id,
                sla_minutes=48 * 60,
            ),
            "wrong_size": open_case(session, "Wrong size", "store", sla_minutes=24 * 60),
        }
        late = context(session)
        late.now = utcnow() - timedelta(hours=3)
        opening = service.Opening("Call back", owner_unit_id=_unit(session, "customer-service"))
        ids["callback"] = service.create(late, opening).id
        service.get_case(late, ids["callback"]).sla_due_at = late.now + timedelta(hours=1)
    add_user(database, "ella@example.com", role="admin")
    add_user(database, "asta@kauppa.fi", role="frontline", units=["logistics"])
    add_user(database, "kuski@carrier.fi", role="partner", units=["carrier"])
    add_user(database, "anna@kauppa.fi", role="analyst")
    add_user(database, "maija@kauppa.fi", role="manager", units=["store"], language="fi")
    shown = Loop(database, settings, ids)
    with shown.clients:
        yield shown


def _unit(session: Session, key: str) -> int:
    found = session.scalar(select(Unit.id).where(Unit.key == key))
    assert found is not None
    return found


def listed(page: httpx2.Response) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/cases/(\d+)">', page.text)


def post(client: TestClient, path: str, **form: str) -> httpx2.Response:
    csrf = csrf_of(client.get("/account/password"))
    return client.post(path, data={"csrf": csrf, **form}, follow_redirects=False)


def test_the_list_by_due_time_filtered_and_escaped(loop: Loop) -> None:
    client = loop.client("ella@example.com")
    page = client.get("/cases")
    assert page.status_code == 200
    assert_no_inline_script(page.text)
    ids = loop.ids
    # Soonest due first: the overdue callback, the store's day, the carrier's two days.
    assert listed(page) == [str(ids["callback"]), str(ids["wrong_size"]), str(ids["damaged"])]
    assert HOSTILE not in page.text
    assert ESCAPED in page.text
    assert '<a href="/cases" aria-current="page">Cases</a>' in page.text
    assert page.text.count('class="breach"') == 1
    assert "Past the SLA" in page.text
    assert re.search(r'<a href="/customers/\d+">Customer \d+</a>', page.text)

    def shown(**params: str) -> list[str]:
        found = client.get("/cases", params=params)
        assert found.status_code == 200, found.text
        return listed(found)

    assert shown(breached="1") == [str(ids["callback"])]
    assert shown(priority="high") == [str(ids["damaged"])]
    assert shown(owner_unit="store") == [str(ids["wrong_size"])]
    assert shown(mine="1") == []
    assert shown(status="closed") == []
    assert client.get("/cases", params={"owner_unit": "nowhere"}).status_code == 422
    assert client.get("/cases", params={"status": "done"}).status_code == 422


def test_users_see_only_their_units_cases(loop: Loop) -> None:
    logistics = loop.client("asta@kauppa.fi")
    assert listed(logistics.get("/cases")) == [str(loop.ids["damaged"])]
    assert logistics.get(f"/cases/{loop.ids['wrong_size']}").status_code == 403
    store = loop.client("maija@kauppa.fi")
    page = store.get("/cases")
    assert listed(page) == [str(loop.ids["wrong_size"])]
    assert "<h1>Tapaukset</h1>" in page.text
    assert '<a href="/cases" aria-current="page">Tapaukset</a>' in page.text


def test_a_partner_sees_its_cases_never_the_customer(loop: Loop) -> None:
    carrier = loop.client("kuski@carrier.fi")
    page = carrier.get("/cases")
    assert listed(page) == [str(loop.ids["damaged"])]
    assert "/customers/" not in page.text
    assert ">Customer<" not in page.text

    case = carrier.get(f"/cases/{loop.ids['damaged']}")
    assert case.status_code == 200
    assert_no_inline_script(case.text)
    assert "Tuoli tuli rikki" in case.text
    assert ESCAPED in case.text
    for private in ("040 123 4567", "aino", "/customers/", "Contact log", "Claim"):
        assert private not in case.text
    assert 'action="/cases/' + str(loop.ids["damaged"]) + '/resolution"' not in case.text

    refused = carrier.get(f"/cases/{loop.ids['wrong_size']}")
    assert refused.status_code == 403
    assert "Wrong size" not in refused.text
    assert carrier.get("/cases/99999").status_code == 404
    resolved = post(carrier, f"/cases/{loop.ids['damaged']}/resolution", kind="apology")
    assert resolved.status_code == 403
    assert "cannot record a resolution" in resolved.text
    other = post(carrier, f"/cases/{loop.ids['wrong_size']}/notes", text="mine now")
    assert other.status_code == 403

    cause = post(
        carrier,
        f"/cases/{loop.ids['damaged']}/root-cause",
        key="carrier_handling",
        note=f"Pudotettiin {HOSTILE}",
    )
    assert cause.status_code == 303
    shown = carrier.get(cause.headers["location"])
    assert "The root cause was saved." in shown.text
    assert f"Carrier handling: Pudotettiin {ESCAPED}" in shown.text


def test_a_guard_refusal_shows_its_message_and_keeps_what_was_typed(loop: Loop) -> None:
    client = loop.client("asta@kauppa.fi")
    path = f"/cases/{loop.ids['damaged']}/status"
    typed = f"Valmis {HOSTILE}"
    early = post(client, path, to="resolved", note=typed)
    assert early.status_code == 409
    assert_no_inline_script(early.text)
    assert 'role="alert"' in early.text
    assert '<a href="#root-cause-form">Root cause</a>: record the root cause first' in early.text
    assert f">Valmis {ESCAPED}</textarea>" in early.text
    assert re.search(r'<option value="resolved" selected>', early.text)
    assert 'aria-invalid="true"' in early.text

    closing = post(client, path, to="closed")
    assert closing.status_code == 409
    assert "Note</a>: say why a new case is closed without resolving it" in closing.text
    informed = post(client, path, to="customer_informed")
    assert "Contact log</a>: log how the customer was told what happened and why first" in (
        informed.text
    )
    assert loop.case("damaged").status == "new"

    no_csrf = client.post(path, data={"to": "investigating"}, follow_redirects=False)
    assert no_csrf.status_code == 403
    assert loop.case("damaged").status == "new"


def test_bad_input_names_the_field(loop: Loop) -> None:
    client = loop.client("asta@kauppa.fi")
    base = f"/cases/{loop.ids['damaged']}"
    refund = post(client, f"{base}/resolution", kind="refund", amount="", currency="EUR")
    assert refund.status_code == 422
    assert "Amount</a>: a refund needs an amount and a currency" in refund.text
    decimals = post(client, f"{base}/resolution", kind="refund", amount="1.234", currency="EUR")
    assert 'value="1.234"' in decimals.text
    assert "EUR amounts have at most 2 decimals" in decimals.text
    when = post(
        client, f"{base}/contacts", channel="phone", what_happened="x", why="y", contacted_at="x"
    )
    assert (when.status_code, "When</a>: is not a time" in when.text) == (422, True)
    empty = post(client, f"{base}/contacts", channel="phone", what_happened=" ", why="y")
    assert "What happened</a>: must not be empty" in empty.text
    nul = post(client, f"{base}/notes", text="a\x00b")
    assert (nul.status_code, "Note</a>: a NUL character is not allowed" in nul.text) == (422, True)
    nobody = post(client, f"{base}/assignment", assignee="nobody@example.fi")
    assert "Assigned to</a>: no active user" in nobody.text


def test_the_status_change_lands_in_the_timeline_and_the_case_is_resolved(loop: Loop) -> None:
    client = loop.client("asta@kauppa.fi")
    base = f"/cases/{loop.ids['damaged']}"
    moved = post(client, f"{base}/status", to="investigating", note="Selvitetään")
    assert moved.status_code == 303
    page = client.get(moved.headers["location"])
    assert "The status was changed." in page.text
    timeline = page.text.split('id="timeline-heading"')[1]
    assert "New → Investigating" in timeline
    assert "Selvitetään" in timeline
    assert "asta@kauppa.fi" in timeline

    assigned = post(client, f"{base}/assignment", assignee="asta@kauppa.fi", priority="urgent")
    assert assigned.status_code == 303
    told = post(
        client,
        f"{base}/contacts",
        channel="phone",
        what_happened=f"Kuljetusliike pudotti paketin {HOSTILE}",
        why="Lastaus tehtiin kiireessä.",
    )
    assert told.status_code == 303
    assert post(client, f"{base}/root-cause", key="carrier_handling").status_code == 303
    paid = post(client, f"{base}/resolution", kind="compensation", amount="50.00", currency="eur")
    assert paid.status_code == 303
    assert post(client, f"{base}/status", to="resolved").status_code == 303

    page = client.get(base)
    assert_no_inline_script(page.text)
    assert f"Kuljetusliike pudotti paketin {ESCAPED}" in page.text
    assert "Compensation, 50.00 EUR" in page.text
    case = loop.case("damaged")
    assert (case.status, case.priority, case.compensation_minor) == ("resolved", "urgent", 5000)
    assert case.assignee_id is not None
    timeline = page.text.split('id="timeline-heading"')[1]
    for line in ("Investigating → Resolved", "Customer contacted", "Carrier handling", "Urgent"):
        assert line in timeline
    mine = client.get("/cases", params={"mine": "1", "status": ""})
    assert listed(mine) == [str(loop.ids["damaged"])]


def test_an_analyst_reads_and_changes_nothing(loop: Loop) -> None:
    client = loop.client("anna@kauppa.fi")
    page = client.get(f"/cases/{loop.ids['damaged']}")
    assert page.status_code == 200
    assert "Your role reads cases; it does not change them." in page.text
    assert 'method="post" action="/cases/' not in page.text
    assert "Tuoli tuli rikki" in page.text
    assert "040 123 4567" not in page.text  # the redacted text only
    csrf = csrf_of(client.get("/account/password"))
    refused = client.post(
        f"/cases/{loop.ids['damaged']}/notes", data={"csrf": csrf, "text": "hello"}
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fi", "kirjaa ensin juurisyy"),
        ("sv", "registrera grundorsaken först"),
        ("en", "record the root cause first"),
    ],
)
def test_a_refusal_is_said_in_the_users_language(
    loop: Loop, database: Database, language: str, words: str
) -> None:
    with database.write_transaction() as session:
        found = session.scalar(select(User).where(User.email == "asta@kauppa.fi"))
        assert found is not None
        found.language = language
    client = loop.client("asta@kauppa.fi")
    base = f"/cases/{loop.ids['damaged']}"
    refused = post(client, f"{base}/status", to="resolved")
    assert refused.status_code == 409
    assert words in refused.text
    if language != "en":
        assert "record the root cause" not in refused.text
    bad = post(client, f"{base}/resolution", kind="refund", amount="1.234", currency="EUR")
    assert bad.status_code == 422
    decimals = {"fi": "enintään 2 desimaalia", "sv": "högst 2 decimaler", "en": "at most 2"}
    assert decimals[language] in bad.text


def test_a_contact_time_is_typed_and_shown_in_the_organisations_time_zone(
    loop: Loop, database: Database
) -> None:
    client = loop.client("asta@kauppa.fi")
    base = f"/cases/{loop.ids['damaged']}"
    typed = (utcnow() - timedelta(days=1)).astimezone(ZoneInfo("Europe/Helsinki"))
    local = typed.strftime("%Y-%m-%dT%H:%M")
    logged = post(
        client, f"{base}/contacts", channel="phone", what_happened="x", why="y", contacted_at=local
    )
    assert logged.status_code == 303
    with database.transaction() as session:
        stored = session.scalar(
            select(CaseContact.contacted_at).where(CaseContact.case_id == loop.ids["damaged"])
        )
    assert stored is not None
    assert stored.astimezone(UTC) == typed.replace(second=0, microsecond=0).astimezone(UTC)
    page = client.get(base)
    assert typed.strftime("%Y-%m-%d %H:%M ") + typed.strftime("%Z") in page.text


def test_only_staff_who_can_see_the_case_are_offered_as_assignees(loop: Loop) -> None:
    page = loop.client("ella@example.com").get(f"/cases/{loop.ids['damaged']}")
    offered = set(re.findall(r'<option value="([^"]+@[^"]+)"', page.text))
    # The store's manager cannot see the carrier's case, the analyst only reads, the partner
    # is not staff; the admin and the logistics frontline can take it.
    assert offered == {"ella@example.com", "asta@kauppa.fi"}
    store = loop.client("ella@example.com").get(f"/cases/{loop.ids['wrong_size']}")
    assert "maija@kauppa.fi" in set(re.findall(r'<option value="([^"]+@[^"]+)"', store.text))


def test_the_timeline_says_escalations_and_signals_in_words(loop: Loop, database: Database) -> None:
    with database.write_transaction() as session:
        later = context(session)
        later.now = utcnow() + timedelta(hours=2)
        assert escalate(later) >= 1
    page = loop.client("ella@example.com").get(f"/cases/{loop.ids['callback']}")
    timeline = page.text.split('id="timeline"')[1]
    assert "past its SLA, due" in timeline
    assert "Normal → High" in timeline
    for raw in ("clock:", "to_unit:", "priority: from", "+00:00"):
        assert raw not in timeline
    damaged = loop.client("ella@example.com").get(f"/cases/{loop.ids['damaged']}")
    assert "response_id:" not in damaged.text


def test_a_finnish_amount_is_typed_and_shown_with_a_decimal_comma(
    loop: Loop, database: Database
) -> None:
    with database.write_transaction() as session:
        found = session.scalar(select(User).where(User.email == "asta@kauppa.fi"))
        assert found is not None
        found.language = "fi"
    client = loop.client("asta@kauppa.fi")
    base = f"/cases/{loop.ids['damaged']}"
    saved = post(client, f"{base}/resolution", kind="compensation", amount="49,90", currency="EUR")
    assert saved.status_code == 303
    assert loop.case("damaged").compensation_minor == 4990
    page = client.get(base)
    assert "49,90 EUR" in page.text
    assert "49.90" not in page.text
