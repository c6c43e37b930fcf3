"""The demo's people: who they are and how each source system knows them."""

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

T = TypeVar("T")

Kind = Literal["online", "store", "both", "browser"]
Language = Literal["fi", "sv", "en"]

KINDS: tuple[tuple[Kind, float], ...] = (
    ("online", 0.41),
    ("store", 0.42),
    ("both", 0.03),
    ("browser", 0.14),
)
LANGUAGES: tuple[tuple[Language, float], ...] = (("fi", 0.86), ("sv", 0.09), ("en", 0.05))
STORES = ("store-jyvaskyla", "store-kuopio")

FIRST_NAMES: dict[Language, tuple[str, ...]] = {
    "fi": tuple(
        "Aino Eero Helmi Juha Kaisa Lauri Maija Niko Saara Timo Elina Antti Johanna Mikko Sanna "
        "Ville Tiina Jari Riikka Pekka Noora Eetu Iida Tuomas Veera Matti Anni Henrik Pirjo "
        "Kalle".split()
    ),
    "sv": tuple(
        "Erik Ebba Axel Linnea Johan Matilda Fredrik Sofia Anders Ida Mikael Emma Jonas Sara "
        "Henrik Alva".split()
    ),
    "en": tuple("James Emily Oliver Sophie Daniel Grace Thomas Hannah Ryan Chloe David".split()),
}
LAST_NAMES: dict[Language, tuple[str, ...]] = {
    "fi": tuple(
        "Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen "
        "Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Kinnunen Turunen Salo Rantanen "
        "Karjalainen Jokinen Tuominen Savolainen Miettinen Hyvönen Lappalainen Räsänen".split()
    ),
    "sv": tuple(
        "Lindqvist Johansson Lindholm Nyström Andersson Sundström Holmberg Björklund Ekholm "
        "Forsman Grönroos Wikström".split()
    ),
    "en": tuple("Smith Brown Wilson Taylor Davies Evans Walker Hughes".split()),
}
# Where the online store's customers live, by rough share.
CITIES = {
    "Helsinki": 20, "Espoo": 9, "Tampere": 8, "Vantaa": 7, "Oulu": 6, "Turku": 6,
    "Jyväskylä": 7, "Kuopio": 5, "Lahti": 4, "Pori": 3, "Joensuu": 3, "Lappeenranta": 3,
    "Vaasa": 4, "Porvoo": 3, "Seinäjoki": 3, "Rovaniemi": 2, "Kokkola": 2, "Hämeenlinna": 3,
}  # fmt: skip
STORE_CITIES = {"store-jyvaskyla": "Jyväskylä", "store-kuopio": "Kuopio"}
# Reserved for examples (RFC 2606): invitations to the demo's people reach nobody.
MAIL_DOMAINS = ("example.com", "example.net", "example.org")
ASCII = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e"})


@dataclass(frozen=True, slots=True)
class Person:
    number: int
    kind: Kind
    language: Language
    first_name: str
    last_name: str
    city: str
    email: str | None
    phone: str | None
    home_store: str
    consent: bool | None
    newsletter: bool
    devices: tuple[str, ...]  # web analytics' anonymous ids, one per browser

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    # How each source system knows the person.
    @property
    def shop_id(self) -> str:
        return f"R{100000 + self.number}"

    @property
    def crm_id(self) -> str:
        return f"CRM-{self.number:06d}"

    @property
    def loyalty_id(self) -> str:
        return f"K{700000 + self.number}"

    @property
    def helpdesk_id(self) -> str:
        return f"Z{50000 + self.number}"

    @property
    def buys_online(self) -> bool:
        return self.kind in ("online", "both")

    @property
    def buys_in_store(self) -> bool:
        return self.kind in ("store", "both")


def make_people(rng: random.Random, count: int) -> list[Person]:
    return [_person(rng, number) for number in range(1, count + 1)]


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    values = [value for value, _ in weighted]
    return rng.choices(values, weights=[weight for _, weight in weighted])[0]


def _person(rng: random.Random, number: int) -> Person:
    kind = _pick(rng, KINDS)
    language = _pick(rng, LANGUAGES)
    first, last = rng.choice(FIRST_NAMES[language]), rng.choice(LAST_NAMES[language])
    home_store = STORES[0] if rng.random() < 0.55 else STORES[1]
    if kind in ("store", "both"):
        city = STORE_CITIES[home_store]
    else:
        city = rng.choices(list(CITIES), weights=list(CITIES.values()))[0]
    has_email = kind in ("online", "both") or (kind == "store" and rng.random() < 0.7)
    has_phone = kind != "browser" and (kind != "online" or rng.random() < 0.85)
    devices = tuple(str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(2))
    consent_roll = rng.random()
    return Person(
        number=number,
        kind=kind,
        language=language,
        first_name=first,
        last_name=last,
        city=city,
        email=_email(rng, first, last, number) if has_email else None,
        phone=_phone(number) if has_phone else None,
        home_store=home_store,
        consent=True if consent_roll < 0.6 else (False if consent_roll > 0.95 else None),
        newsletter=has_email and rng.random() < 0.35,
        devices=devices if rng.random() < 0.08 else devices[:1],
    )


def _email(rng: random.Random, first: str, last: str, number: int) -> str:
    local = f"{first}.{last}.{number}".lower().translate(ASCII)
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def _phone(number: int) -> str:
    # Finnish mobile numbers (040 and 050 series), unique per person.
    prefix = "40" if number % 2 else "50"
    return f"+358{prefix}{1000000 + number * 37 % 8999999:07d}"
