"""Web analytics: visits to the Ryhti online store, known only by the browser's id."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from kokemus.demo.customers import Person
from kokemus.demo.outbox import Outbox, Product, Session

SOURCE = "web-analytics"
CAMPAIGNS = (
    ("kotitoimisto", "search"),
    ("satulatuoli-some", "social"),
    ("ergonomia-opas", "display"),
)
SEARCHES = ("satulatuoli", "työtuoli", "ergonominen tuoli", "sadelstol", "office chair")


def browse(
    box: Outbox,
    person: Person,
    device: str,
    start: datetime,
    products: Sequence[Product],
    *,
    ad: bool = False,
) -> datetime:
    """One visit to the site: the home page, a category, a few products. When it ended."""
    rng = box.rng
    moment = start
    if ad:
        campaign, medium = rng.choice(CAMPAIGNS)
        box.send(
            SOURCE,
            "track",
            moment,
            anonymousId=device,
            event="Ad Clicked",
            properties={"campaign": campaign, "medium": medium},
        )
    if box.send(
        SOURCE,
        "page",
        moment,
        anonymousId=device,
        name="Home",
        properties={"path": "/", "title": "Ryhti – tuolit hyvään ryhtiin"},
    ):
        box.sessions.append(Session(moment, person.language))
    if rng.random() < 0.5:
        moment += timedelta(seconds=rng.randint(20, 90))
        box.send(
            SOURCE,
            "track",
            moment,
            anonymousId=device,
            event="Product List Viewed",
            properties={"category": rng.choice(("satulatuolit", "työtuolit"))},
        )
    if rng.random() < 0.2:
        moment += timedelta(seconds=rng.randint(10, 60))
        box.send(
            SOURCE,
            "track",
            moment,
            anonymousId=device,
            event="Products Searched",
            properties={"query": rng.choice(SEARCHES)},
        )
    for product in rng.sample(list(products), k=min(len(products), rng.choice((1, 1, 2)))):
        moment += timedelta(seconds=rng.randint(30, 240))
        box.send(
            SOURCE,
            "track",
            moment,
            anonymousId=device,
            event="Product Viewed",
            properties={
                "product_id": product.sku,
                "name": product.name,
                "category": product.category,
                "price": product.price,
            },
        )
    return moment
