"""Answers given without an invitation: by the QR code at the stores' tills and in the
website's widget. Nobody is known by name; the unit comes from the code's link."""

import random
from datetime import timedelta

from kokemus.demo.answers import (
    STORE_GOOD,
    WIDGET_BAD,
    WIDGET_GOOD,
    Answers,
    comment,
    expectation,
    mood,
    nps,
    sometimes,
    stars,
)
from kokemus.demo.comments import Tone, phrasebook
from kokemus.demo.company import Company
from kokemus.demo.outbox import Session, Visit
from kokemus.demo.responses import Answered
from kokemus.surveys.responses import fingerprint

# The planted store effect: Jyväskylä's staff have the better workdays (see employees), and
# its customers the better visits.
STORE_MOOD = {"store-jyvaskyla": 4.45, "store-kuopio": 3.85}
STORE_BAD = {
    "store-jyvaskyla": ("availability_stock", "price_value", "waiting_time"),
    "store-kuopio": (
        "waiting_time",
        "staff_friendliness",
        "store_environment",
        "availability_stock",
    ),
}
WIDGET_SHARE = 0.015  # of website visits
AGENT = "Mozilla/5.0 (Linux; Android 14) Mobile"


def store_visits(rng: random.Random, company: Company, visits: list[Visit]) -> list[Answered]:
    answered = []
    survey = company.surveys["store-visit-feedback"]
    for visit in visits:
        answers = store_visit(rng, visit.store, visit.language)
        submitted = visit.moment + timedelta(minutes=rng.uniform(2, 90))
        answered.append(
            Answered(
                survey="store-visit-feedback",
                answers=answers,
                language=visit.language,
                channel="qr",
                started_at=submitted - timedelta(seconds=rng.randint(40, 240)),
                submitted_at=submitted,
                unit_id=company.units[visit.store],
                fingerprint=fingerprint(survey.id, _address(rng), AGENT, answers),
            )
        )
    return answered


def store_visit(rng: random.Random, store: str, language: str) -> Answers:
    feeling = mood(rng, STORE_MOOD[store], 0.55)
    score = stars(rng, feeling)
    answers: Answers = {"visit-stars": score}
    sometimes(rng, answers, "staff-welcome", stars(rng, feeling + 0.1), 0.93)
    sometimes(rng, answers, "expectation", expectation(rng, feeling), 0.9)
    sometimes(rng, answers, "recommend", nps(rng, feeling), 0.9)
    text = comment(rng, language, score, STORE_GOOD, STORE_BAD[store], "store", share=0.35)
    sometimes(rng, answers, "comment", text, 1)
    return answers


def widget(rng: random.Random, company: Company, sessions: list[Session]) -> list[Answered]:
    """The relationship question in the website's widget, shown on some visits."""
    survey = company.surveys["relational-nps"]
    answered = []
    for visit in sessions:
        if rng.random() >= WIDGET_SHARE:
            continue
        answers = recommendation(rng, visit.language)
        submitted = visit.moment + timedelta(minutes=rng.uniform(1, 10))
        answered.append(
            Answered(
                survey="relational-nps",
                answers=answers,
                language=visit.language,
                channel="widget",
                started_at=submitted - timedelta(seconds=rng.randint(15, 120)),
                submitted_at=submitted,
                touchpoint_id=company.touchpoints["website"],
                unit_id=company.units["ecommerce"],
                fingerprint=fingerprint(survey.id, _address(rng), AGENT, answers),
            )
        )
    return answered


def recommendation(rng: random.Random, language: str) -> Answers:
    """The shipped relational-nps template: the score, then the reason in its band's words."""
    score = nps(rng, mood(rng, 4.15, 0.7))
    answers: Answers = {"recommend": score}
    if rng.random() < 0.55:
        tone: Tone
        if score <= 6:
            key, tone = "reason-detractor", "negative"
        elif score <= 8:
            key, tone = "reason-passive", rng.choice(("mixed", "neutral"))
        else:
            key, tone = "reason-promoter", "positive"
        answers[key] = phrasebook().write(rng, language, tone, WIDGET_GOOD, WIDGET_BAD, "online")
    return answers


def _address(rng: random.Random) -> str:
    return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
