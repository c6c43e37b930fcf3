"""The demo's year: which days, how busy each is, and local times in Finland."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")
DAYS = 365

# Relative volume per month (January first). Chairs sell when people set up a home office
# after the new year and after the summer, and in the November sales; shoes in the spring,
# in the autumn and before Christmas, when the winter boots come out.
CHAIR_MONTHS = (1.5, 1.1, 1.0, 0.9, 0.8, 0.7, 0.55, 1.2, 1.3, 1.0, 1.6, 1.1)
SHOE_MONTHS = (0.7, 0.6, 0.9, 1.3, 1.2, 0.9, 0.7, 1.1, 1.3, 1.3, 1.2, 1.5)
# Monday first: online orders peak early in the week, store visits on Saturdays.
ONLINE_WEEKDAYS = (1.2, 1.1, 1.0, 1.0, 0.9, 0.8, 1.1)
STORE_WEEKDAYS = (0.8, 0.9, 0.9, 1.0, 1.2, 1.6, 0.5)


def default_end(today: date) -> date:
    """The last day of the month before `today`: the demo covers whole months."""
    return today.replace(day=1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """365 days ending on `end` (inclusive)."""

    end: date
    start: date = field(init=False)
    days: tuple[date, ...] = field(init=False, repr=False)
    opens: datetime = field(init=False, repr=False)  # the first moment, in UTC
    closes: datetime = field(init=False, repr=False)  # the first moment after it

    def __post_init__(self) -> None:
        start = self.end - timedelta(days=DAYS - 1)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "days", tuple(start + timedelta(days=n) for n in range(DAYS)))
        object.__setattr__(self, "opens", local(start, 0))
        object.__setattr__(self, "closes", local(self.end + timedelta(days=1), 0))

    def contains(self, moment: datetime) -> bool:
        return self.opens <= moment < self.closes

    def calendar(self, months: Sequence[float], weekdays: Sequence[float]) -> "Calendar":
        weights = [months[day.month - 1] * weekdays[day.weekday()] for day in self.days]
        return Calendar(self.days, tuple(accumulate(weights)))


@dataclass(frozen=True)
class Calendar:
    """Days drawn by their weight."""

    days: tuple[date, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> date:
        return rng.choices(self.days, cum_weights=self.cumulative)[0]


def local(day: date, hour: float) -> datetime:
    """`hour` (with fractions; past 24 is the next day) on `day`'s clock in Helsinki, as UTC."""
    midnight = datetime.combine(day, time(0), tzinfo=HELSINKI)
    return (midnight + timedelta(seconds=round(hour * 3600))).astimezone(UTC)


def business_days_after(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def months_of(period: Period) -> list[date]:
    """The first day of each month the period touches."""
    return sorted({day.replace(day=1) for day in period.days})
