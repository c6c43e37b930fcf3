"""The helpdesk: tickets, the ones reopened and the customers who must ask again."""

from datetime import datetime, timedelta

from kokemus.demo.comments import phrasebook
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


def open_case(
    box: Outbox,
    person: Person,
    opened: datetime,
    reason: str,
    *,
    order_id: str | None = None,
    repeat_rate: float = 0.1,
    reopen_rate: float = 0.1,
) -> None:
    """A ticket from opening to its solution. Some are reopened; some customers must open
    another about the same matter within a week (a repeat contact)."""
    rng = box.rng
    roll = rng.random()
    repeat = roll < repeat_rate
    reopened = not repeat and roll < repeat_rate + reopen_rate
    first = _ticket(box, person, opened, reason, order_id, follow_up=False)
    if first is None:
        return
    ticket, solved = first
    _solve(box, person, ticket, solved, Contact(person, reason, False, False, repeat or reopened))
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
            properties={"ticket_id": ticket, "description": _description(box, person, reason)},
        )
        solved = again + timedelta(hours=rng.uniform(2, 30))
    else:
        second = _ticket(box, person, again, reason, order_id, follow_up=True)
        if second is None:
            return
        ticket, solved = second
    _solve(box, person, ticket, solved, Contact(person, reason, repeat, reopened, False))


def _ticket(
    box: Outbox,
    person: Person,
    opened: datetime,
    reason: str,
    order_id: str | None,
    *,
    follow_up: bool,
) -> tuple[str, datetime] | None:
    """A new ticket: its id and when it will be solved, or None outside the year."""
    rng = box.rng
    channel = rng.choices(list(CHANNELS), weights=(55, 30, 15))[0]
    ticket = box.reference("HD-", 6)
    properties = {
        "ticket_id": ticket,
        "subject": SUBJECTS[reason][LANGUAGES.index(person.language)],
        "channel": channel,
        "description": _description(box, person, reason, follow_up=follow_up),
    }
    if order_id:
        properties["order_id"] = order_id
    sent = box.send(
        SOURCE,
        "track",
        opened,
        userId=person.helpdesk_id,
        event="Ticket Created",
        properties=properties,
        context=_context(person),
    )
    if not sent:
        return None
    low, high = CHANNELS[channel]
    return ticket, opened + timedelta(hours=rng.uniform(low, high))


def _solve(box: Outbox, person: Person, ticket: str, moment: datetime, contact: Contact) -> None:
    box.send(
        SOURCE,
        "track",
        moment,
        contact,
        userId=person.helpdesk_id,
        event="Ticket Solved",
        properties={"ticket_id": ticket},
    )


def _description(box: Outbox, person: Person, reason: str, *, follow_up: bool = True) -> str:
    text = phrasebook().write(box.rng, person.language, "negative", (), (THEMES[reason],))
    return f"{FOLLOW_UP[person.language]} {text}" if follow_up else text


def _context(person: Person) -> dict[str, object]:
    # A new ticket names its requester by email (by phone for those who only ever call).
    return contact_traits(person, phone=person.email is None)
