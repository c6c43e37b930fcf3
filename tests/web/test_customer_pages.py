"""The customer pages on both stores: search, profile, timeline, responses, and scope."""

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kokemus.app import create_app
from kokemus.audit.models import AuditEntry
from kokemus.config import Settings
from kokemus.customers.access import can_see_customer
from kokemus.customers.models import Customer
from kokemus.customers.service import find_by_contact
from kokemus.enrich.service import analyze_all
from kokemus.store import Database
from kokemus.surveys.models import Answer
from tests.accounts.helpers import add_user
from tests.factories import add_source, add_token, load_default_journey, send, track
from tests.surveys.helpers import publish_template
from tests.web.helpers import sign_in

HOSTILE = '<script>alert("x")</script>'
COMMENT = "Tuoli tuli rikki ja kuljettaja oli töykeä. Soita 040 123 4567"


@dataclass
class Shop:
    database: Database
    settings: Settings
    anna: int  # met at home delivery (the carrier's) and on the website
    bob: int  # met on the website only
    clients: ExitStack = field(default_factory=ExitStack)

    def anonymous(self) -> TestClient:
        return self.clients.enter_context(TestClient(create_app(self.settings, self.database)))

    def client(self, email: str) -> TestClient:
        client = self.anonymous()
        assert sign_in(client, email).status_code == 303
        return client


@pytest.fixture
def shop(settings: Settings, database: Database) -> Iterator[Shop]:
    load_default_journey(database)
    add_source(database, "shop", kind="shop")
    add_source(database, "carrier", kind="carrier")
    report = send(
        database,
        [
            track(
                "Product Viewed",
                message_id="v1",
                user_id="A-1",
                email="anna@example.com",
                timestamp="2026-10-01T10:00:00+03:00",
            ),
            track(
                "Order Delivered",
                message_id="d1",
                user_id="A-1",
                email="anna@example.com",
                timestamp="2026-10-03T10:00:00+03:00",
            ),
            track(
                HOSTILE,
                message_id="h1",
                user_id="A-1",
                email="anna@example.com",
                timestamp="2026-10-02T10:00:00+03:00",
            ),
            {
                "type": "identify",
                "messageId": "i1",
                "userId": "A-1",
                "timestamp": "2026-10-01T09:00:00+03:00",
                "traits": {"email": "anna@example.com", "name": HOSTILE},
            },
            track(
                "Product Viewed",
                message_id="v2",
                anonymous_id="anon-b",
                phone="+358 40 765 4321",
                timestamp="2026-10-01T11:00:00+03:00",
            ),
        ],
        source="shop",
    )
    assert report.rejected == []
    with database.transaction() as session:
        anna = find_by_contact(session, email="anna@example.com").id
        bob = find_by_contact(session, phone="+358407654321").id
    add_user(database, "admin@example.com", role="admin")
    add_user(database, "carrier@example.com", role="partner", units=["carrier"], language="fi")
    add_user(database, "shopkeeper@example.com", role="manager", units=["store"])
    add_user(database, "web@example.com", role="frontline", units=["ecommerce"], language="sv")
    with ExitStack() as clients:
        yield Shop(database, settings, anna, bob, clients)


def test_a_partner_sees_its_own_customer_and_gets_403_on_another(shop: Shop) -> None:
    partner = shop.client("carrier@example.com")
    own = partner.get(f"/customers/{shop.anna}")
    assert own.status_code == 200
    assert "Aikajana" in own.text  # the partner's language
    # Only what happened at the partner's own touchpoints.
    assert "Order Delivered" in own.text
    assert "Product Viewed" not in own.text
    other = partner.get(f"/customers/{shop.bob}")
    assert other.status_code == 403
    assert "+358407654321" not in other.text
    # Searching for the other unit's customer finds nobody, rather than saying who it is.
    found = partner.get("/customers", params={"q": "+358 40 765 4321"})
    assert found.status_code == 200
    assert f"/customers/{shop.bob}" not in found.text


def test_scope_follows_the_units_touchpoints_for_every_role(shop: Shop) -> None:
    manager = shop.client("shopkeeper@example.com")  # the store: met neither
    assert manager.get(f"/customers/{shop.anna}").status_code == 403
    frontline = shop.client("web@example.com")  # e-commerce: met both on the website
    for customer in (shop.anna, shop.bob):
        page = frontline.get(f"/customers/{customer}")
        assert page.status_code == 200
        assert "Product Viewed" in page.text  # not a partner: the whole timeline
    assert "Tidslinje" in frontline.get(f"/customers/{shop.bob}").text
    admin = shop.client("admin@example.com")
    assert admin.get(f"/customers/{shop.bob}").status_code == 200


def test_the_scope_rule_itself(shop: Shop) -> None:
    @dataclass
    class Someone:
        role: str
        unit_ids: tuple[int, ...]

    from kokemus.journeys.models import Unit

    with shop.database.transaction() as session:
        units: dict[str, int] = dict(session.execute(select(Unit.key, Unit.id)).all())
        logistics = Someone("manager", (units["logistics"],))  # the carrier is below it
        assert can_see_customer(session, logistics, shop.anna)
        assert not can_see_customer(session, logistics, shop.bob)
        assert can_see_customer(session, Someone("analyst", ()), shop.bob)
        assert not can_see_customer(session, Someone("frontline", ()), shop.bob)


def test_search_by_email_and_phone_leads_to_the_customer_page(shop: Shop) -> None:
    admin = shop.client("admin@example.com")
    by_email = admin.get("/customers", params={"q": " Anna@Example.com "})
    assert by_email.status_code == 200
    assert f'href="/customers/{shop.anna}"' in by_email.text
    by_phone = admin.get("/customers", params={"q": "040 765 4321"})
    assert f'href="/customers/{shop.bob}"' in by_phone.text
    unknown = admin.get("/customers", params={"q": "nobody@example.com"})
    assert "No customer you may see is known by nobody@example.com" in unknown.text
    bad = admin.get("/customers", params={"q": "not a phone"})
    assert bad.status_code == 422
    assert "phone" in bad.text


def test_the_customer_page_shows_identities_and_a_timeline_newest_first(shop: Shop) -> None:
    admin = shop.client("admin@example.com")
    page = admin.get(f"/customers/{shop.anna}")
    assert page.status_code == 200
    text = page.text
    assert "anna@example.com" in text.split("Timeline")[0]
    assert "A-1" in text  # the shop's user id
    text = text.split('id="timeline-heading"')[1]
    delivered, hostile, viewed = (
        text.index("Order Delivered"),
        text.index("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"),
        text.index("Product Viewed"),
    )
    assert delivered < hostile < viewed  # newest first
    assert "Home delivery" in text  # the event's touchpoint
    assert "2026-10-03 10:00 EEST" in text  # 07:00 UTC in the organisation's time zone
    assert "Source: shop" in text


def test_hostile_traits_and_event_names_are_escaped(shop: Shop) -> None:
    page = shop.client("admin@example.com").get(f"/customers/{shop.anna}")
    assert HOSTILE not in page.text
    assert page.text.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") == 2
    assert "<script" not in page.text


def test_the_timeline_pages_with_the_cursor(shop: Shop) -> None:
    send(
        shop.database,
        [
            track(
                "Product List Viewed",
                message_id=f"p{n}",
                user_id="A-1",
                email="anna@example.com",
                timestamp=f"2026-09-{n + 1:02d}T10:00:00+03:00",
            )
            for n in range(30)
        ],
        source="shop",
    )
    admin = shop.client("admin@example.com")
    first = admin.get(f"/customers/{shop.anna}")
    # 25 a page; four newer events come first (three tracks and the identify call).
    assert first.text.count("Product List Viewed") == 21
    older = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = admin.get(f"/customers/{shop.anna}{older.replace('&amp;', '&')}")
    assert second.status_code == 200
    assert second.text.count("Product List Viewed") == 9
    assert "2026-09-01" in second.text
    assert 'rel="next"' not in second.text
    assert admin.get(f"/customers/{shop.anna}?cursor=nonsense").status_code == 422


def test_a_merged_customer_redirects_to_the_survivor_and_shows_the_merge(shop: Shop) -> None:
    # One message carrying both the email and the phone proves the two are one customer.
    send(
        shop.database,
        [track("Advice Call", message_id="m1", anonymous_id="anon-b", email="anna@example.com")],
        source="shop",
    )
    with shop.database.transaction() as session:
        survivor = find_by_contact(session, email="anna@example.com").id
        merged = ({shop.anna, shop.bob} - {survivor}).pop()
        assert session.get(Customer, merged).merged_into_id == survivor  # type: ignore[union-attr]
    admin = shop.client("admin@example.com")
    answer = admin.get(f"/customers/{merged}", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, f"/customers/{survivor}")
    page = admin.get(f"/customers/{survivor}")
    assert f"Customer {merged} merged into {survivor}" in page.text
    assert "identity resolution" in page.text
    assert "message &#39;m1&#39; from shop" in page.text

    # Undone through the API: the page says when, by what and why, and so does the audit log.
    token = add_token(shop.database, "ops", scope="admin")
    undone = shop.anonymous().post(
        "/api/v1/customers/merges/1/undo",
        params={"reason": "<b>two</b> people"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert undone.status_code == 200, undone.text
    page = admin.get(f"/customers/{survivor}")
    assert "by API token ops: &lt;b&gt;two&lt;/b&gt; people" in page.text
    with shop.database.transaction() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "customer.unmerge")
        ).one()
        assert entry.target == "merge 1"
        assert entry.details["via"] == "API token ops"
        assert entry.details["merged_id"] == merged
    assert admin.get("/customers/999999").status_code == 404


def test_responses_show_the_redacted_text_with_sentiment_and_themes(shop: Shop) -> None:
    publish_template(shop.database, "post-delivery")
    token = add_token(shop.database, "admin", scope="admin")
    client = shop.anonymous()
    body = {
        "answers": {"delivery-stars": 1, "improve": COMMENT},
        "customer": {"email": "anna@example.com"},
    }
    sent = client.post(
        "/api/v1/surveys/post-delivery/responses",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert sent.status_code == 201, sent.text

    admin = shop.client("admin@example.com")
    waiting = admin.get(f"/customers/{shop.anna}")
    assert "Waiting for text analysis." in waiting.text
    assert "rikki" not in waiting.text  # nothing of the text before it is redacted

    analyze_all(shop.database)
    page = admin.get(f"/customers/{shop.anna}")
    assert "How did your delivery go?" in page.text
    assert "Overall, how satisfied are you with the delivery?" in page.text
    assert "040 123 4567" not in page.text  # the original is stored, and never shown
    with shop.database.transaction() as session:
        stored = session.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
    assert COMMENT in stored
    assert "Tuoli tuli rikki" in page.text
    assert "Sentiment: negative" in page.text
    assert "delivery_damage" in page.text
    # The partner owns home delivery, where the survey was answered: it sees the response.
    partner = shop.client("carrier@example.com").get(f"/customers/{shop.anna}")
    assert "Miten toimitus onnistui?" in partner.text
    assert "kielteinen" in partner.text


def test_customer_pages_need_sign_in(shop: Shop) -> None:
    client = shop.anonymous()
    answer = client.get(f"/customers/{shop.anna}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=%2Fcustomers%2F")


def test_the_home_page_counts_what_the_user_may_see(shop: Shop) -> None:
    def counts(email: str) -> list[str]:
        page = shop.client(email).get("/")
        return re.findall(r"<dd>(\d+)</dd>", page.text)

    assert counts("admin@example.com") == ["2", "5", "2"]  # customers, events, sources
    assert counts("carrier@example.com") == ["1", "1", "2"]  # Anna, her delivery
    assert counts("shopkeeper@example.com") == ["0", "0", "2"]
