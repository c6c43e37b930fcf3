"""Messages as the company's systems send them (Segment's shape), and what happened.

What a survey needs to know about an event (was the delivery late? a second contact?) is
kept beside it, by the message's id; intake itself sees only the messages.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kokemus.demo.customers import Person
from kokemus.demo.period import Period


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    category: str
    price: float


@dataclass(frozen=True, slots=True)
class Order:
    person: Person
    product: Product
    payment_failed: bool


@dataclass(frozen=True, slots=True)
class Delivery:
    order: Order
    late_days: int
    failed_attempt: bool
    damaged: bool
    called_ahead: bool


@dataclass(frozen=True, slots=True)
class Contact:
    """One solved helpdesk ticket."""

    person: Person
    reason: str
    repeat: bool  # the customer had to contact again about the same matter within a week
    reopened: bool
    unresolved: bool  # solved, but the customer will be back about it
    solved_at: datetime


@dataclass(frozen=True, slots=True)
class Refund:
    person: Person
    claim: bool  # a damaged delivery's claim; otherwise a return
    days: int  # from the request to the money


@dataclass(frozen=True, slots=True)
class Visit:
    """A store visit, where some customers answer the survey by the QR code at the till."""

    store: str
    moment: datetime
    language: str


@dataclass(frozen=True, slots=True)
class Session:
    """A visit to the website, where the widget asks some for a recommendation score."""

    moment: datetime
    language: str


Situation = Order | Delivery | Contact | Refund


@dataclass
class Outbox:
    """Messages as the systems send them, and what happened, by message id."""

    rng: random.Random
    period: Period
    messages: list[tuple[datetime, dict[str, Any]]] = field(default_factory=list)
    situations: dict[str, Situation] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)

    def send(
        self,
        source: str,
        kind: str,
        moment: datetime,
        situation: Situation | None = None,
        **fields: Any,
    ) -> bool:
        """Queue one message; False (and nothing queued) if it falls outside the year."""
        if not self.period.contains(moment):
            return False
        message_id = _uuid_text(self.rng.getrandbits(128))
        message = {
            "source": source,
            "type": kind,
            "messageId": message_id,
            "timestamp": moment.isoformat(),
            **fields,
        }
        self.messages.append((moment, message))
        if situation is not None:
            self.situations[message_id] = situation
        return True

    def in_order(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Numbered as intake reads them, oldest first, as the systems would have sent them."""
        self.messages.sort(key=lambda item: item[0])
        return enumerate(message for _, message in self.messages)

    def reference(self, prefix: str, digits: int = 8) -> str:
        return f"{prefix}{self.rng.randrange(10 ** (digits - 1), 10**digits)}"


def contact_traits(person: Person, *, email: bool = True, phone: bool = True) -> dict[str, Any]:
    traits: dict[str, Any] = {}
    if email and person.email:
        traits["email"] = person.email
    if phone and person.phone:
        traits["phone"] = person.phone
    return {"traits": traits} if traits else {}


def _uuid_text(bits: int) -> str:
    """A random id in the UUID's layout, as Segment's libraries make them."""
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
