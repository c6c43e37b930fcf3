"""How the demo's respondents answer, from what happened to them.

Each answer starts from a mood on the 1–5 scale: high for a chair that came on time, low
for one that came broken. The planted effects live here: damage and delay pull delivery
scores down, a second contact pulls effort down, and each store's mood follows its staff's.
"""

import random
from collections.abc import Sequence
from typing import Any

from kokemus.demo.comments import Where, phrasebook, tone_for
from kokemus.demo.outbox import Contact, Delivery, Order, Refund

Answers = dict[str, Any]

DELIVERY_GOOD = ("delivery_speed", "courier", "product_quality", "delivery_damage", "price_value")
CHECKOUT_GOOD = ("website_usability", "checkout_payment", "price_value", "availability_stock")
CHECKOUT_BAD = ("website_usability", "price_value", "availability_stock", "app_digital")
SERVICE_GOOD = ("staff_friendliness", "staff_competence", "waiting_time", "communication")
REFUND_GOOD = ("refund_compensation", "staff_friendliness", "waiting_time")
REFUND_BAD = ("refund_compensation", "communication", "waiting_time")
STORE_GOOD = (
    "staff_friendliness",
    "staff_competence",
    "store_environment",
    "product_quality",
    "availability_stock",
    "price_value",
)
WIDGET_GOOD = ("product_quality", "price_value", "website_usability", "delivery_speed")
WIDGET_BAD = ("price_value", "website_usability", "delivery_speed", "availability_stock")
# Each rating of the purchase journey, as the theme its comment is about.
JOURNEY_THEMES = {
    "website-stars": "website_usability",
    "checkout-stars": "checkout_payment",
    "delivery-stars": "delivery_speed",
    "product-stars": "product_quality",
}
# A ticket's reason, as the theme its customer complains about.
REASON_THEMES = {
    "damage": "refund_compensation",
    "delay": "delivery_speed",
    "failed": "courier",
    "invoice": "billing_invoice",
    "product": "product_quality",
    "website": "app_digital",
    "return": "refund_compensation",
    "size": "availability_stock",
}


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def mood(rng: random.Random, base: float, spread: float = 0.45) -> float:
    return max(1.0, min(5.0, base + rng.gauss(0, spread)))


def stars(rng: random.Random, feeling: float) -> int:
    return clamp(feeling + rng.gauss(0, 0.55), 1, 5)


def nps(rng: random.Random, feeling: float) -> int:
    share = (feeling - 1) / 4
    return clamp(10 * share**0.8 + rng.gauss(0, 1.1), 0, 10)


def ces(rng: random.Random, feeling: float) -> int:
    """Customer effort on 1–7, where 7 is very easy."""
    return clamp(1 + 6 * (feeling - 1) / 4 + rng.gauss(0, 0.8), 1, 7)


def expectation(rng: random.Random, feeling: float) -> int:
    """1–2 below what was expected, 3 as expected, 4–5 above."""
    return clamp(feeling - 1.1 + rng.gauss(0, 0.6), 1, 5)


def comment(
    rng: random.Random,
    language: str,
    score: int,
    good: Sequence[str],
    bad: Sequence[str],
    where: Where = "online",
    *,
    share: float = 0.3,
) -> str | None:
    """A free-text comment, or None: the unhappy write more often."""
    if rng.random() >= (share + 0.3 if score <= 2 else share + 0.15 if score == 3 else share):
        return None
    return phrasebook().write(rng, language, tone_for(rng, score), good, bad, where)


def sometimes(rng: random.Random, answers: Answers, key: str, value: Any, share: float) -> None:
    """Optional questions are skipped now and then."""
    if value is not None and rng.random() < share:
        answers[key] = value


def delivery(rng: random.Random, happened: Delivery, language: str) -> Answers:
    base = 4.4 + (0.15 if happened.called_ahead else 0.0)
    if happened.late_days:
        base -= 0.8 + 0.2 * happened.late_days
    if happened.failed_attempt:
        base -= 0.6
    if happened.damaged:
        base -= 2.2
    feeling = mood(rng, base, 0.55)
    score = stars(rng, feeling)
    answers: Answers = {"delivery-stars": score}
    sometimes(rng, answers, "expectation", expectation(rng, feeling), 0.95)
    sometimes(rng, answers, "recommend", nps(rng, feeling), 0.92)
    mistaken = rng.random() < 0.02  # some tick the wrong box
    intact = "damaged" if happened.damaged != mistaken else "intact"
    sometimes(rng, answers, "arrived-intact", intact, 0.9)
    good = [t for t in DELIVERY_GOOD if not (t == "delivery_speed" and happened.late_days)]
    text = comment(rng, language, score, good, _delivery_bad(happened))
    sometimes(rng, answers, "comment", text, 1)
    return answers


def _delivery_bad(happened: Delivery) -> list[str]:
    if happened.damaged:
        return ["delivery_damage", "refund_compensation", "communication"]
    if happened.late_days:
        return ["delivery_speed", "communication"]
    if happened.failed_attempt:
        return ["courier", "communication"]
    return ["courier", "product_quality", "price_value", "communication"]


def checkout(rng: random.Random, happened: Order, language: str) -> Answers:
    feeling = mood(rng, 4.35 - (1.8 if happened.payment_failed else 0.0))
    score = stars(rng, feeling)
    answers: Answers = {"ease": ces(rng, feeling)}
    sometimes(rng, answers, "shop-stars", score, 0.9)
    bad = ["checkout_payment"] if happened.payment_failed else list(CHECKOUT_BAD)
    sometimes(rng, answers, "comment", comment(rng, language, score, CHECKOUT_GOOD, bad), 1)
    return answers


def service(rng: random.Random, happened: Contact, language: str) -> Answers:
    base = 4.45 - (0.35 if happened.reason == "damage" else 0.0)
    if happened.unresolved:
        base -= 0.9
    if happened.reopened:
        base -= 1.3
    if happened.repeat:
        base -= 1.5
    feeling = mood(rng, base)
    score = stars(rng, feeling)
    answers: Answers = {"resolved": _resolved(rng, feeling), "effort": ces(rng, feeling)}
    sometimes(rng, answers, "service-stars", score, 0.92)
    reason = REASON_THEMES[happened.reason]
    friction = happened.repeat or happened.reopened or happened.unresolved
    bad = ["communication", "staff_competence", reason] if friction else [reason, "waiting_time"]
    text = comment(rng, language, score, SERVICE_GOOD, bad, share=0.35)
    sometimes(rng, answers, "comment", text, 1)
    return answers


def journey(
    rng: random.Random, happened: Delivery, contacts: Sequence[Contact], language: str
) -> Answers:
    """The whole purchase, three weeks on: a rating per touchpoint, and the recommendation
    they add up to. The delivery weighs most, so its failures make it the moment of truth;
    a customer who had to chase customer service recommends less, too."""
    order = happened.order
    delivery = 4.45 + (0.15 if happened.called_ahead else 0.0)
    if happened.late_days:
        delivery -= 0.8 + 0.2 * happened.late_days
    if happened.failed_attempt:
        delivery -= 0.6
    if happened.damaged:
        delivery -= 2.3
    feelings = {
        "website-stars": mood(rng, 4.25),
        "checkout-stars": mood(rng, 4.4 - (1.5 if order.payment_failed else 0.0)),
        "delivery-stars": mood(rng, delivery),
        "product-stars": mood(rng, 4.15 if order.product.sku == "RY-SATULA-K" else 4.45),
    }
    weights = {"website-stars": 1, "checkout-stars": 1, "delivery-stars": 4, "product-stars": 3}
    overall = sum(weights[key] * feeling for key, feeling in feelings.items()) / sum(
        weights.values()
    )
    if contacts:
        overall -= 4.3 - min(_contact_base(contact) for contact in contacts)
    answers: Answers = {"recommend": nps(rng, max(1.0, overall))}
    for key, feeling in feelings.items():
        sometimes(rng, answers, key, stars(rng, feeling), 0.98)
    problems = _delivery_bad(happened) if happened.damaged or happened.late_days else []
    themes = JOURNEY_THEMES | {"delivery-stars": (problems or ["delivery_speed"])[0]}
    worst_first = sorted(feelings, key=lambda key: feelings[key])
    bad = [themes[key] for key in worst_first]
    good = [themes[key] for key in reversed(worst_first)]
    text = comment(rng, language, stars(rng, max(1.0, overall)), good, bad, share=0.3)
    sometimes(rng, answers, "comment", text, 1)
    return answers


def _contact_base(contact: Contact) -> float:
    base = 4.3
    if contact.unresolved:
        base -= 0.8
    if contact.reopened:
        base -= 1.2
    if contact.repeat:
        base -= 1.5
    return base


def _resolved(rng: random.Random, feeling: float) -> str:
    feeling += rng.gauss(0, 0.3)
    return "yes" if feeling >= 3.5 else ("partly" if feeling >= 2.5 else "no")


def complaint(rng: random.Random, happened: Refund, language: str) -> Answers:
    """The shipped complaint-follow-up template's questions."""
    base = 4.1 - 0.1 * max(0, happened.days - 7) - (0.25 if happened.claim else 0.0)
    feeling = mood(rng, base)
    score = stars(rng, feeling)
    resolved = _resolved(rng, feeling)
    answers: Answers = {"resolved": resolved}
    sometimes(rng, answers, "treatment", score, 0.95)
    sometimes(rng, answers, "effort", ces(rng, feeling), 0.95)
    if resolved != "yes" and rng.random() < 0.6:
        answers["still-open"] = phrasebook().write(
            rng, language, "negative", (), REFUND_BAD, "online"
        )
    sometimes(rng, answers, "comment", comment(rng, language, score, REFUND_GOOD, REFUND_BAD), 1)
    return answers
