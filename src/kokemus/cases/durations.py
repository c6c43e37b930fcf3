import re
from datetime import timedelta

DURATION = re.compile(r"^\s*(\d{1,6})\s*(m|min|h|d)\s*$")
UNIT_MINUTES = {"m": 1, "min": 1, "h": 60, "d": 1440}
DURATION_PATTERN = r"^\s*\d{1,6}\s*(m|min|h|d)\s*$"


def minutes(text: str) -> int:
    """'90m', '48h', '2d' as minutes."""
    found = DURATION.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not a duration like 90m, 48h or 2d")
    return int(found.group(1)) * UNIT_MINUTES[found.group(2)]


def describe(delta: timedelta) -> str:
    total = int(delta.total_seconds() // 60)
    if total % 1440 == 0:
        return f"{total // 1440}d"
    return f"{total // 60}h" if total % 60 == 0 else f"{total}m"
