"""The Ryhti online store: checkout, the order, and what follows its delivery."""

from datetime import date, datetime, timedelta

from kokemus.demo import carrier, helpdesk
from kokemus.demo.carrier import Delivered
from kokemus.demo.comments import Tone, phrasebook
from kokemus.demo.customers import Person
from kokemus.demo.outbox import Order, Outbox, Product, Refund
from kokemus.demo.period import local

SOURCE = "webshop"
CHAIRS = (
    (Product("RY-SATULA", "Ryhti Satula", "satulatuolit", 389.0), 30),
    (Product("RY-SATULA-PRO", "Ryhti Satula Pro", "satulatuolit", 549.0), 12),
    (Product("RY-TYO", "Ryhti Työ", "työtuolit", 259.0), 30),
    (Product("RY-ERGO", "Ryhti Ergo", "työtuolit", 429.0), 20),
    # Seed 004's chair: bought used, after a call to ask about its condition.
    (Product("RY-SATULA-K", "Käytetty satulatuoli", "satulatuolit", 190.0), 8),
)
PRODUCTS = tuple(product for product, _ in CHAIRS)
PAYMENT_FAILED_SHARE = 0.06


def pick_chair(box: Outbox) -> Product:
    return box.rng.choices(PRODUCTS, weights=[weight for _, weight in CHAIRS])[0]


def check_out(
    box: Outbox, person: Person, device: str, moment: datetime, product: Product, *, first: bool
) -> tuple[str, Order]:
    """The purchase: checkout, signing in, the order and its confirmation."""
    rng = box.rng
    order_id = box.reference("RY-", 7)
    payment_failed = rng.random() < PAYMENT_FAILED_SHARE
    cart = {"products": [_line(product)], "currency": "EUR"}
    box.send(
        SOURCE,
        "track",
        moment,
        anonymousId=device,
        event="Checkout Started",
        properties=cart | {"value": product.price},
    )
    moment += timedelta(seconds=rng.randint(40, 200))
    # Signing in ties this browser to the shop's account (and so to earlier visits); the
    # account's details come with the first order, when it is made.
    box.send(
        SOURCE,
        "identify",
        moment,
        userId=person.shop_id,
        anonymousId=device,
        traits=_traits(person) if first else None,
    )
    # The payment step is reported when it fails, and when it then goes through.
    for status in ("failed", "ok") if payment_failed else ():
        moment += timedelta(seconds=rng.randint(30, 300))
        box.send(
            SOURCE,
            "track",
            moment,
            userId=person.shop_id,
            event="Payment Info Entered",
            properties={
                "payment_method": rng.choice(("card", "mobilepay", "invoice")),
                "status": status,
            },
        )
    moment += timedelta(seconds=rng.randint(5, 30))
    order = Order(person, product, payment_failed)
    box.send(
        SOURCE,
        "track",
        moment,
        order,
        userId=person.shop_id,
        event="Order Completed",
        properties=cart | {"order_id": order_id, "total": product.price, "shipping": 0.0},
    )
    box.send(
        SOURCE,
        "track",
        moment + timedelta(seconds=rng.randint(10, 90)),
        userId=person.shop_id,
        event="Order Confirmation Sent",
        properties={"order_id": order_id},
    )
    return order_id, order


def after_sale(box: Outbox, order: Order, ordered: date, order_id: str) -> None:
    """The delivery and what it leads to: claims, tickets, returns, reviews."""
    person, product = order.person, order.product
    delivered = carrier.deliver(box, order, ordered, order_id)
    if delivered is None:
        return
    delivery = delivered.delivery
    rng = box.rng
    if delivery.damaged:
        _claim(box, person, delivered, order_id)
    elif delivery.late_days and rng.random() < 0.4:
        promised = delivered.moment - timedelta(days=delivery.late_days)
        helpdesk.open_case(
            box, person, promised, "delay", order_id=order_id, repeat_rate=0.3, reopen_rate=0.1
        )
    elif delivery.failed_attempt and rng.random() < 0.25:
        helpdesk.open_case(box, person, delivered.moment - timedelta(hours=20), "failed")
    elif rng.random() < 0.07:
        reason = rng.choices(("invoice", "product", "website", "return"), (35, 35, 15, 15))[0]
        later = delivered.moment + timedelta(days=rng.uniform(2, 30))
        helpdesk.open_case(box, person, later, reason, order_id=order_id)
    if not delivery.damaged and rng.random() < 0.05:
        _return(box, person, delivered, order_id)
    if rng.random() < 0.07:
        _review(box, person, delivered, product)
    if rng.random() < 0.1:
        box.send(
            SOURCE,
            "track",
            delivered.moment + timedelta(days=rng.uniform(1, 10)),
            userId=person.shop_id,
            event="Product Registered",
            properties={"product_id": product.sku, "warranty_years": 5},
        )


def _claim(box: Outbox, person: Person, delivered: Delivered, order_id: str) -> None:
    rng = box.rng
    reported = delivered.moment + timedelta(hours=rng.uniform(0.5, 20))
    if rng.random() < 0.9:
        helpdesk.open_case(
            box, person, reported, "damage", order_id=order_id, repeat_rate=0.35, reopen_rate=0.2
        )
    if rng.random() < 0.8:
        box.send(
            SOURCE,
            "track",
            reported + timedelta(minutes=rng.randint(5, 120)),
            userId=person.shop_id,
            event="Claim Submitted",
            properties={"order_id": order_id, "photos": rng.randint(1, 4)},
        )
        days = rng.randint(3, 16)
        _refund(box, person, reported + timedelta(days=days), order_id, Refund(person, True, days))


def _return(box: Outbox, person: Person, delivered: Delivered, order_id: str) -> None:
    rng = box.rng
    requested = delivered.moment + timedelta(days=rng.uniform(2, 14))
    box.send(
        SOURCE,
        "track",
        requested,
        userId=person.shop_id,
        event="Return Requested",
        properties={"order_id": order_id, "reason": rng.choice(("not suitable", "changed mind"))},
    )
    days = rng.randint(5, 18)
    _refund(box, person, requested + timedelta(days=days), order_id, Refund(person, False, days))


def _refund(box: Outbox, person: Person, moment: datetime, order_id: str, refund: Refund) -> None:
    box.send(
        SOURCE,
        "track",
        moment,
        refund,
        userId=person.shop_id,
        event="Refund Issued",
        properties={"order_id": order_id, "kind": "compensation" if refund.claim else "return"},
    )


def _review(box: Outbox, person: Person, delivered: Delivered, product: Product) -> None:
    rng = box.rng
    delivery = delivered.delivery
    if delivery.damaged:
        stars = rng.choice((1, 1, 2))
    elif delivery.late_days:
        stars = rng.choice((2, 3, 4))
    else:
        stars = rng.choice((4, 5, 5, 5))
    tone: Tone = "positive" if stars >= 4 else "negative"
    bad = ("delivery_damage",) if delivery.damaged else ("delivery_speed", "product_quality")
    text = phrasebook().write(rng, person.language, tone, ("product_quality",), bad, "online")
    box.send(
        SOURCE,
        "track",
        delivered.moment + timedelta(days=rng.uniform(3, 30)),
        userId=person.shop_id,
        event="Review Published",
        properties={"product_id": product.sku, "rating": stars, "review": text},
    )


def _line(product: Product) -> dict[str, object]:
    return {
        "product_id": product.sku,
        "name": product.name,
        "category": product.category,
        "price": product.price,
        "quantity": 1,
    }


def _traits(person: Person) -> dict[str, object]:
    traits: dict[str, object] = {
        "email": person.email,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "language": person.language,
    }
    if person.phone:
        traits["phone"] = person.phone
    return traits


def order_moment(box: Outbox, day: date) -> datetime:
    """Most orders are placed in the evening."""
    hour = box.rng.choices((9, 12, 15, 18, 20, 22), weights=(8, 14, 14, 22, 28, 14))[0]
    return local(day, hour + box.rng.random() * 2.5)
