"""A small, deterministic demo company: an online chair store and a shoe store."""

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from kokemus.customers.models import Customer
from kokemus.ingest.intake import store_all
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.sources import create_source
from kokemus.journeys.service import default_journey_text, load_journey, parse_journey
from kokemus.store import Database

SOURCES = {
    "webshop": "shop",
    "crm": "crm",
    "helpdesk": "helpdesk",
    "carrier": "carrier",
    "web-analytics": "web_analytics",
    "store-pos": "pos",
}
FIRST_NAMES = [
    "Aino",
    "Eero",
    "Helmi",
    "Juha",
    "Kaisa",
    "Lauri",
    "Maija",
    "Niko",
    "Saara",
    "Timo",
    "Elsa",
    "Oskar",
    "Linnea",
    "Emma",
    "Noah",
    "Olivia",
]
LAST_NAMES = [
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Laine",
    "Lindqvist",
    "Andersson",
    "Smith",
    "Heikkinen",
    "Koskinen",
]
PRODUCTS = [
    ("Saddle chair", 389.0),
    ("Office chair", 259.0),
    ("Saddle chair, used", 190.0),
    ("Walking shoes", 129.0),
    ("Rubber boots", 69.0),
]


def load_demo_if_empty(database: Database) -> bool:
    with database.transaction() as session:
        if session.scalar(select(func.count()).select_from(Customer)):
            return False
    load_demo(database)
    return True


def load_demo(database: Database, customers: int = 300, seed: int = 2026) -> None:
    with database.transaction() as session:
        text = default_journey_text()
        load_journey(session, parse_journey(text), text)
        source_ids = {name: create_source(session, name, kind).id for name, kind in SOURCES.items()}
    options = ParseOptions(
        sources=source_ids, default_source_id=None, received_at=datetime.now(UTC)
    )
    messages = list(_messages(random.Random(seed), customers))
    store_all(database, enumerate(messages), options)


def _messages(rng: random.Random, customers: int) -> Iterator[dict[str, Any]]:
    start = datetime(2025, 12, 1, tzinfo=UTC)
    for number in range(customers):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}.{number}@example.fi".lower().replace("ä", "a")
        user_id = f"C{10000 + number}"
        anonymous_id = str(uuid.UUID(int=rng.getrandbits(128)))
        when = start + timedelta(days=rng.uniform(0, 330))
        yield from _visit_and_buy(rng, when, email, user_id, anonymous_id, f"{first} {last}")


def _visit_and_buy(
    rng: random.Random, when: datetime, email: str, user_id: str, anonymous_id: str, name: str
) -> Iterator[dict[str, Any]]:
    def message(source: str, kind: str, moment: datetime, **fields: Any) -> dict[str, Any]:
        return {
            "source": source,
            "type": kind,
            "timestamp": moment.isoformat(),
            "messageId": str(uuid.UUID(int=rng.getrandbits(128))),
            **fields,
        }

    for page in rng.sample(["Home", "Product Viewed", "Product List Viewed"], k=2):
        yield message("web-analytics", "page", when, anonymousId=anonymous_id, name=page)
        when += timedelta(minutes=rng.randint(1, 5))
    product, price = rng.choice(PRODUCTS)
    if "shoes" in product or "boots" in product:
        yield message(
            "store-pos",
            "track",
            when,
            userId=user_id,
            event="Store Purchase",
            properties={"product": product, "total": price, "store": "store"},
            context={"traits": {"email": email}},
        )
        return
    yield message(
        "webshop",
        "identify",
        when,
        userId=user_id,
        anonymousId=anonymous_id,
        traits={"email": email, "name": name, "language": rng.choice(["fi", "fi", "sv", "en"])},
    )
    order_id = f"O-{rng.randint(100000, 999999)}"
    yield message(
        "webshop",
        "track",
        when,
        userId=user_id,
        event="Order Completed",
        properties={"order_id": order_id, "product": product, "total": price, "currency": "EUR"},
    )
    when += timedelta(days=rng.randint(1, 4))
    yield message(
        "carrier",
        "track",
        when,
        userId=order_id,
        event="Order Shipped",
        properties={"order_id": order_id},
        context={"traits": {"email": email}},
    )
    when += timedelta(days=rng.randint(1, 5))
    outcome = rng.choices(["Order Delivered", "Delivery Damaged", "Delivery Failed"], [88, 7, 5])[0]
    yield message(
        "carrier",
        "track",
        when,
        userId=order_id,
        event=outcome,
        properties={"order_id": order_id},
        context={"traits": {"email": email}},
    )
    if outcome != "Order Delivered" or rng.random() < 0.08:
        when += timedelta(hours=rng.randint(2, 48))
        ticket = f"T-{rng.randint(10000, 99999)}"
        yield message(
            "helpdesk",
            "track",
            when,
            userId=f"Z{rng.randint(1000, 9999)}",
            event="Ticket Created",
            properties={"ticket_id": ticket, "subject": outcome, "order_id": order_id},
            context={"traits": {"email": email}},
        )
