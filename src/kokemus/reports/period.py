"""A report's period, named as people name it: a month 2026-10, a quarter 2026-Q4, a year."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from kokemus.errors import InvalidInput

PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")
FIRST_YEAR, LAST_YEAR = 1990, 2999
Kind = Literal["month", "quarter", "year"]


@dataclass(frozen=True)
class Period:
    label: str
    kind: Kind
    first: date
    last: date  # included

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    def previous(self) -> "Period":
        return _period(*_shifted(self.first, -self.months), self.kind)

    def months_to_date(self, count: int) -> tuple[date, date]:
        """The `count` whole months that end with this period's last month."""
        return date(*_shifted(self.last.replace(day=1), 1 - count), 1), self.last


def parse_period(text: str, field_name: str = "period") -> Period:
    found = PERIOD.match(text.strip())
    if not found:
        raise InvalidInput(
            field_name, f"{text!r}: give a month 2026-10, a quarter 2026-Q4 or a year"
        )
    year = int(found["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(field_name, f"{text}: a year from {FIRST_YEAR} to {LAST_YEAR}")
    if found["month"]:
        month = int(found["month"])
        if not 1 <= month <= 12:
            raise InvalidInput(field_name, f"{text}: months are 01..12")
        return _period(year, month, "month")
    if found["quarter"]:
        return _period(year, 3 * int(found["quarter"]) - 2, "quarter")
    return _period(year, 1, "year")


def _period(year: int, month: int, kind: Kind) -> Period:
    first = date(year, month, 1)
    length = {"month": 1, "quarter": 3, "year": 12}[kind]
    after = date(*_shifted(first, length), 1)
    if kind == "month":
        label = f"{year}-{month:02d}"
    elif kind == "quarter":
        label = f"{year}-Q{(month - 1) // 3 + 1}"
    else:
        label = str(year)
    return Period(label, kind, first, after - timedelta(days=1))


def _shifted(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1
