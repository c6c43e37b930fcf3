"""Each person's year, as events from the shop, the CRM, the helpdesk, the carrier, web
analytics and the stores' tills. Intake later works out who is who from the ids alone."""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from kokemus.demo import crm, helpdesk, shop, stores, web
from kokemus.demo.customers import Person
from kokemus.demo.outbox import Outbox
from kokemus.demo.period import (
    CHAIR_MONTHS,
    ONLINE_WEEKDAYS,
    SHOE_MONTHS,
    STORE_WEEKDAYS,
    Calendar,
    Period,
    months_of,
)


def year_of_events(rng: random.Random, people: Sequence[Person], period: Period) -> Outbox:
    box = Outbox(rng, period)
    chairs = period.calendar(CHAIR_MONTHS, ONLINE_WEEKDAYS)
    shoes = period.calendar(SHOE_MONTHS, STORE_WEEKDAYS)
    months = months_of(period)
    for person in people:
        if person.kind == "browser":
            _browse_only(box, person, chairs)
            continue
        firsts = []
        if person.buys_online:
            firsts.append(_online(box, person, chairs))
        if person.buys_in_store:
            firsts.append(_in_store(box, person, shoes))
        known = [first for first in firsts if first is not None]
        if known and person.newsletter:
            crm.newsletters(box, person, min(known), months)
    return box


def _browse_only(box: Outbox, person: Person, chairs: Calendar) -> None:
    rng = box.rng
    for _ in range(rng.choice((1, 1, 2))):
        moment = shop.order_moment(box, chairs.pick(rng))
        web.browse(box, person, person.devices[0], moment, shop.PRODUCTS, ad=rng.random() < 0.3)


def _online(box: Outbox, person: Person, chairs: Calendar) -> datetime | None:
    """Orders from the online store; when the person first became known, if in the year."""
    rng = box.rng
    count = rng.choices((1, 2, 3), weights=(78, 17, 5))[0]
    first = None
    for number, day in enumerate(sorted(chairs.pick(rng) for _ in range(count))):
        product = shop.pick_chair(box)
        moment = shop.order_moment(box, day)
        for _ in range(rng.choice((0, 1, 1, 2))):
            earlier = moment - timedelta(days=rng.uniform(0.3, 14))
            device = rng.choice(person.devices)
            web.browse(box, person, device, earlier, shop.PRODUCTS, ad=rng.random() < 0.2)
        used = product.sku == "RY-SATULA-K"
        if number == 0 and rng.random() < (0.25 if used else 0.015):
            topic = "käytetyn tuolin kunto" if used else "tuolin valinta"
            crm.advice_call(box, person, moment - timedelta(hours=rng.uniform(3, 48)), topic)
        device = person.devices[number % len(person.devices)]
        ended = web.browse(box, person, device, moment, [product])
        order_id, order = shop.check_out(
            box, person, device, ended + timedelta(seconds=30), product, first=number == 0
        )
        if first is None and box.period.contains(moment):
            first = moment
            crm.register(box, person, moment + timedelta(hours=1))
        shop.after_sale(box, order, day, order_id)
    return first


def _in_store(box: Outbox, person: Person, shoes: Calendar) -> datetime | None:
    rng = box.rng
    count = rng.choices((1, 2, 3, 4), weights=(40, 30, 18, 12))[0]
    first = None
    for day in sorted(shoes.pick(rng) for _ in range(count)):
        moment = stores.visit(box, person, day)
        if moment is None:
            continue
        if first is None:
            # The loyalty card is made at the till on the first visit.
            first = moment
            crm.register(box, person, moment + timedelta(minutes=2))
            crm.joined_loyalty(box, person, moment + timedelta(minutes=3), person.home_store)
        if rng.random() < 0.03:
            later = moment + timedelta(days=rng.uniform(1, 20))
            reason = rng.choice(("size", "product"))
            helpdesk.open_case(box, person, later, reason, where="store")
    return first
