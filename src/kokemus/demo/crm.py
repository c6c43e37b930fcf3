"""The CRM: the customer register, the loyalty programme, advice calls and the newsletter."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from kokemus.demo.customers import Person
from kokemus.demo.outbox import Outbox, contact_traits
from kokemus.demo.period import local

SOURCE = "crm"


def register(box: Outbox, person: Person, moment: datetime) -> None:
    """The person's record, carrying every way the company knows them: where the shop's
    and the stores' customers turn out to be one person."""
    traits: dict[str, Any] = {
        "firstName": person.first_name,
        "lastName": person.last_name,
        "name": person.name,
        "language": person.language,
        "city": person.city,
        "newsletter": person.newsletter,
    }
    if person.email:
        traits["email"] = person.email
    if person.phone:
        traits["phone"] = person.phone
    if person.buys_in_store:
        traits["loyalty_id"] = person.loyalty_id
    if person.consent is not None:
        traits["survey_consent"] = person.consent
    box.send(SOURCE, "identify", moment, userId=person.crm_id, traits=traits)


def joined_loyalty(box: Outbox, person: Person, moment: datetime, store: str) -> None:
    box.send(
        SOURCE,
        "track",
        moment,
        userId=person.crm_id,
        event="Loyalty Joined",
        properties={"programme": "Kenkäkaari-kanta-asiakas", "store": store},
    )


def advice_call(box: Outbox, person: Person, moment: datetime, topic: str) -> None:
    box.send(
        SOURCE,
        "track",
        moment,
        userId=person.crm_id,
        event="Advice Call",
        properties={"topic": topic, "minutes": box.rng.randint(4, 18)},
        context=contact_traits(person, email=False),
    )


def newsletters(box: Outbox, person: Person, since: datetime, months: Sequence[date]) -> None:
    """The monthly letter, sent on the first Tuesday at eight; opened or clicked, or not."""
    rng = box.rng
    for first in months:
        tuesday = first + timedelta(days=(1 - first.weekday()) % 7)
        sent = local(tuesday, 8)
        if sent < since or rng.random() > 0.38:
            continue
        opened = sent + timedelta(minutes=rng.randint(5, 60 * 30))
        letter = {"campaign": f"uutiskirje-{first:%Y-%m}"}
        box.send(
            SOURCE,
            "track",
            opened,
            userId=person.crm_id,
            event="Email Opened",
            properties=letter,
        )
        if rng.random() < 0.25:
            box.send(
                SOURCE,
                "track",
                opened + timedelta(seconds=rng.randint(5, 120)),
                userId=person.crm_id,
                event="Email Link Clicked",
                properties=letter,
            )
