"""The Kenkäkaari shoe stores' tills: purchases by loyalty card."""

from datetime import date, datetime

from kokemus.demo.customers import STORES, Person
from kokemus.demo.outbox import Outbox, Product, Visit
from kokemus.demo.period import local

SOURCE = "store-pos"
STORE_NAMES = {"store-jyvaskyla": "Kenkäkaari Jyväskylä", "store-kuopio": "Kenkäkaari Kuopio"}
# Shoes for the season (months the shelves carry them).
SHOES = (
    (Product("KK-TALVI", "Talvikengät", "talvikengät", 169.0), (1, 2, 3, 10, 11, 12)),
    (Product("KK-SAAPAS", "Kumisaappaat", "saappaat", 69.0), (3, 4, 5, 9, 10, 11)),
    (Product("KK-KAVELY", "Kävelykengät", "kävelykengät", 129.0), tuple(range(1, 13))),
    (Product("KK-LENKKI", "Lenkkarit", "urheilukengät", 119.0), (3, 4, 5, 6, 7, 8, 9)),
    (Product("KK-LAPSI", "Lasten kengät", "lasten kengät", 59.0), tuple(range(1, 13))),
    (Product("KK-JUHLA", "Juhlakengät", "juhlakengät", 149.0), (5, 6, 11, 12)),
)
QR_SHARE = 0.09  # of visits, answered by the QR code at the till


def visit(box: Outbox, person: Person, day: date) -> datetime | None:
    """A purchase at the home store (now and then the other one); when, if in the year."""
    rng = box.rng
    store = person.home_store if rng.random() < 0.9 else _other(person.home_store)
    opening = (12, 17) if day.weekday() == 6 else (10, 19.5)
    moment = local(day, rng.uniform(*opening))
    in_season = [product for product, months in SHOES if day.month in months]
    items = rng.sample(in_season, k=1 if rng.random() < 0.8 else 2)
    total = sum(item.price for item in items)
    sent = box.send(
        SOURCE,
        "track",
        moment,
        userId=person.loyalty_id,
        event="Store Purchase",
        properties={
            "store": store,
            "store_name": STORE_NAMES[store],
            "receipt": box.reference("KU", 9),
            "total": total,
            "currency": "EUR",
            "items": [
                {"name": item.name, "category": item.category, "price": item.price}
                for item in items
            ],
        },
        context={"traits": {"phone": person.phone}} if person.phone else {},
    )
    if not sent:
        return None
    if rng.random() < QR_SHARE:
        box.visits.append(Visit(store, moment, person.language))
    return moment


def _other(store: str) -> str:
    return STORES[1] if store == STORES[0] else STORES[0]
