"""Periods in the organisation's time zone: local days in SQL, and buckets of days."""

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kokemus.store import dialect

Interval = Literal["day", "week", "month", "quarter", "year"]
INTERVALS: tuple[Interval, ...] = ("day", "week", "month", "quarter", "year")
FIRST_YEAR = 1990  # local days before this are counted with the zone's 1990 offset
ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]{1,64}$")


def local_date_sql(session: Session, column: str, zone: ZoneInfo) -> str:
    """SQL for the local date of a UTC timestamp column, as 'YYYY-MM-DD' text or a date.

    PostgreSQL knows time zones; SQLite does not, so its expression carries the zone's
    offset changes as a CASE, newest first (most data is recent and stops at the first).
    """
    if not ZONE_NAME.match(zone.key):
        raise ValueError(f"time zone: {zone.key!r} is not a zone name")
    if dialect.name(session) == "postgresql":
        return f"CAST(({column} AT TIME ZONE '{zone.key}') AS date)"
    spans = offset_spans(zone.key, date.today().year + 2)
    cases = " ".join(
        f"WHEN {column} >= '{start:%Y-%m-%d %H:%M:%S}' THEN date({column}, '{_modifier(offset)}')"
        for start, offset in reversed(spans[1:])
    )
    return f"CASE {cases} ELSE date({column}, '{_modifier(spans[0][1])}') END"


@cache
def offset_spans(zone_name: str, last_year: int) -> list[tuple[datetime, int]]:
    """(UTC start, offset in minutes) of each span of one offset, from FIRST_YEAR on."""
    zone = ZoneInfo(zone_name)
    moment = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    spans = [(moment, _offset(zone, moment))]
    step = timedelta(days=1)
    while moment < end:
        following = moment + step
        if _offset(zone, following) != spans[-1][1]:
            spans.append(_change_between(zone, moment, following))
        moment = following
    return spans


def _change_between(zone: ZoneInfo, before: datetime, after: datetime) -> tuple[datetime, int]:
    """The first minute after `before` with the offset `after` has."""
    target = _offset(zone, after)
    low, high = before, after
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if _offset(zone, middle) == target:
            high = middle
        else:
            low = middle
    return high, target


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


def _modifier(minutes: int) -> str:
    return f"{minutes:+d} minutes"


def bucket(day: date, interval: Interval) -> str:
    """The label of the period a local day belongs to: 2026-10-05, 2026-W41, 2026-10, 2026-Q4."""
    if interval == "day":
        return day.isoformat()
    if interval == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if interval == "month":
        return f"{day:%Y-%m}"
    if interval == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def split_by_month(
    first: date, last: date
) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """Day ranges (inclusive) not covering whole months, and the whole months' range.

    A breakdown reads month rows for whole months and day rows only at the edges.
    """
    first_whole = first if first.day == 1 else month_after(first)
    after_last = last + timedelta(days=1)
    end_whole = after_last.replace(day=1) if after_last.day != 1 else after_last
    if first_whole >= end_whole:
        return [(first, last)], None
    edges = []
    if first < first_whole:
        edges.append((first, first_whole - timedelta(days=1)))
    if end_whole <= last:
        edges.append((end_whole, last))
    return edges, (first_whole, end_whole - timedelta(days=1))


def previous_range(first: date, last: date) -> tuple[date, date]:
    """The range of the same length just before; whole months give the months before."""
    edges, months = split_by_month(first, last)
    if not edges and months is not None:
        count = (last.year - first.year) * 12 + last.month - first.month + 1
        index = first.year * 12 + first.month - 1 - count
        start = date(index // 12, index % 12 + 1, 1)
        return start, first - timedelta(days=1)
    length = (last - first).days + 1
    return first - timedelta(days=length), first - timedelta(days=1)
