"""The helpdesk: tickets, the ones reopened and the customers who must ask again."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from kokemus.demo.comments import Where, phrasebook
from kokemus.demo.customers import Person
from kokemus.demo.outbox import Contact, Outbox, contact_traits

SOURCE = "helpdesk"
# What a ticket is about, and the theme its customer writes about.
THEMES = {
    "damage": "delivery_damage",
    "delay": "delivery_speed",
    "failed": "courier",
    "invoice": "billing_invoice",
    "product": "product_quality",
    "website": "app_digital",
    "return": "refund_compensation",
    "size": "availability_stock",
}
# A ticket's subject line, in fi / sv / en.
SUBJECTS = {
    "damage": ("Rikkoutunut tuote", "Skadad vara", "Damaged item"),
    "delay": ("Missä tilaukseni on?", "Var är min beställning?", "Where is my order?"),
    "failed": ("Toimitus ei onnistunut", "Leveransen misslyckades", "Missed delivery"),
    "invoice": ("Kysymys laskusta", "Fråga om fakturan", "Question about my invoice"),
    "product": ("Tuotteen vika", "Fel på produkten", "Fault with the product"),
    "website": ("Kirjautuminen ei onnistu", "Kan inte logga in", "Cannot log in"),
    "return": ("Palautus", "Retur", "Return"),
    "size": ("Koon vaihto", "Byte av storlek", "Size exchange"),
}
LANGUAGES = ("fi", "sv", "en")
FOLLOW_UP = {
    "fi": "Otan yhteyttä jo toista kertaa samasta asiasta.",
    "sv": "Jag hör av mig för andra gången om samma sak.",
    "en": "This is the second time I'm contacting you about this.",
}
# Hours from a ticket to its solution, by how the customer got in touch.
CHANNELS = {"email": (2.0, 50.0), "phone": (0.1, 6.0), "chat": (0.1, 3.0)}


@dataclass(frozen=True)
class Matter:
    """What the customer gets in touch about, over one or more tickets."""

    person: Person
    reason: str
    where: Where  # the chair shop's order or a shoe store's purchase
    order_id: str | None


def open_case(
    box: Outbox,
    person: Person,
    opened: datetime,
    reason: str,
    *,
    where: Where = "online",
    order_id: str | None = None,
    repeat_rate: float = 0.1,
    reopen_rate: float = 0.1,
) -> None:
    """A ticket from opening to its solution. Some are reopened; some customers must open
    another about the same matter within a week (a repeat contact)."""
    matter = Matter(person, reason, where, order_id)
    rng = box.rng
    roll = rng.random()
    repeat = roll < repeat_rate
    reopened = not repeat and roll < repeat_rate + reopen_rate
    first = _ticket(box, matter, opened, follow_up=False)
    if first is None:
        return
    ticket, solved = first
    unresolved = Contact(person, reason, False, False, repeat or reopened, solved)
    _solve(box, matter, ticket, solved, unresolved)
    if not (repeat or reopened):
        return
    again = solved + timedelta(hours=rng.uniform(18, 24 * 4))
    if reopened:
        box.send(
            SOURCE,
            "track",
            again,
            userId=person.helpdesk_id,
            event="Ticket Reopened",
            properties={"ticket_id": ticket, "description": _description(box, matter, True)},
        )
        solved = again + timedelta(hours=rng.uniform(2, 30))
    else:
        second = _ticket(box, matter, again, follow_up=True)
        if second is None:
            return
        ticket, solved = second
    _solve(box, matter, ticket, solved, Contact(person, reason, repeat, reopened, False, solved))


def _ticket(
    box: Outbox, matter: Matter, opened: datetime, *, follow_up: bool
) -> tuple[str, datetime] | None:
    """A new ticket: its id and when it will be solved, or None outside the year."""
    rng = box.rng
    person = matter.person
    channel = rng.choices(list(CHANNELS), weights=(55, 30, 15))[0]
    ticket = box.reference("HD-", 6)
    properties = {
        "ticket_id": ticket,
        "subject": SUBJECTS[matter.reason][LANGUAGES.index(person.language)],
        "channel": channel,
        "description": _description(box, matter, follow_up),
    }
    if matter.order_id:
        properties["order_id"] = matter.order_id
    sent = box.send(
        SOURCE,
        "track",
        opened,
        userId=person.helpdesk_id,
        event="Ticket Created",
        properties=properties,
        # A new ticket names its requester by email (by phone for those who only call).
        context=contact_traits(person, phone=person.email is None),
    )
    if not sent:
        return None
    low, high = CHANNELS[channel]
    return ticket, opened + timedelta(hours=rng.uniform(low, high))


def _solve(box: Outbox, matter: Matter, ticket: str, moment: datetime, contact: Contact) -> None:
    box.send(
        SOURCE,
        "track",
        moment,
        contact,
        userId=matter.person.helpdesk_id,
        event="Ticket Solved",
        properties={"ticket_id": ticket},
    )


def _description(box: Outbox, matter: Matter, follow_up: bool) -> str:
    language = matter.person.language
    themes = (THEMES[matter.reason],)
    text = phrasebook().write(box.rng, language, "negative", (), themes, matter.where)
    return f"{FOLLOW_UP[language]} {text}" if follow_up else text
