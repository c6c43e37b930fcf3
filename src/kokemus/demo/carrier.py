"""Vauhti Kuljetus, the delivery partner: from the warehouse to the customer's door.

The carrier knows a delivery by its tracking number and the recipient by phone and email,
which is how its events find the shop's customer.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kokemus.demo.outbox import Delivery, Order, Outbox, contact_traits
from kokemus.demo.period import business_days_after, local

SOURCE = "carrier"
LATE_SHARE = 0.09
PEAK_LATE_SHARE = 0.16  # November and December, when the sales fill the vans
FAILED_SHARE = 0.05
DAMAGED_SHARE = 0.05
DAMAGES = ("selkänoja", "jalusta", "istuin", "kuljetuslaatikko")


@dataclass(frozen=True)
class Delivered:
    delivery: Delivery
    moment: datetime


def deliver(box: Outbox, order: Order, ordered: date, order_id: str) -> Delivered | None:
    """The order on its way and at the door; None if it arrives after the year."""
    rng = box.rng
    person = order.person
    tracking = box.reference("VK", 10)
    common = {"order_id": order_id, "tracking_number": tracking}
    context = contact_traits(person)
    shipped = business_days_after(ordered, 1 if rng.random() < 0.7 else 2)
    promised = business_days_after(ordered, 3)
    late_share = PEAK_LATE_SHARE if ordered.month in (11, 12) else LATE_SHARE
    late = rng.choice((1, 1, 2, 2, 3, 4, 5, 6)) if rng.random() < late_share else 0
    day = business_days_after(promised, late)

    def send(event: str, moment: datetime, **properties: object) -> bool:
        return box.send(
            SOURCE, "track", moment, userId=tracking, event=event, properties=common | properties
        )

    # The first message names the recipient; the rest go by the tracking number alone.
    shipped_at = local(shipped, rng.uniform(14, 18))
    box.send(
        SOURCE,
        "track",
        shipped_at,
        userId=tracking,
        event="Order Shipped",
        properties=common,
        context=context,
    )
    if late:
        send("Delivery Delayed", local(promised, rng.uniform(7, 9)), new_date=day.isoformat())
    called_ahead = rng.random() < 0.6
    evening_before = local(day - timedelta(days=1), rng.uniform(16, 19))
    scheduled = max(evening_before, shipped_at + timedelta(hours=rng.uniform(1, 3)))
    send("Delivery Scheduled", scheduled, window="12–16")
    failed = rng.random() < FAILED_SHARE
    if failed:
        send("Delivery Failed", local(day, rng.uniform(12, 16)), reason="recipient not at home")
        day = business_days_after(day, 1)
    moment = local(day, rng.uniform(10, 19))
    damaged = rng.random() < DAMAGED_SHARE
    delivery = Delivery(order, late, failed, damaged, called_ahead)
    if not box.send(
        SOURCE,
        "track",
        moment,
        delivery,
        userId=tracking,
        event="Order Delivered",
        properties=common | {"promised_date": promised.isoformat(), "on_time": late == 0},
    ):
        return None
    if damaged:
        # The driver notes the damage when handing the chair over: the same scan.
        send("Delivery Damaged", moment, damage=rng.choice(DAMAGES))
    return Delivered(delivery, moment)
