"""Which employee figures must not be shown, so that no small group can be read.

A figure of fewer respondents than the threshold (default 5) is withheld. Figures can be
subtracted from each other, so more is withheld wherever a shown figure minus the other
shown figures would isolate some, but fewer than the threshold, respondents. A withheld
group of no respondents reveals nobody and needs no cover.

Not covered: differences across periods (this year to date minus last month's year to
date isolates one month); callers must not show overlapping periods of a small group.
"""

from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import TypeVar

THRESHOLD = 5

K = TypeVar("K", bound=Hashable)
UnitId = TypeVar("UnitId", bound=Hashable)


def groups_to_withhold(
    counts: Mapping[K, int], *, threshold: int = THRESHOLD, total_shown: bool = True
) -> set[K]:
    """The groups whose figures are withheld, from each group's respondent count.

    Every group under the threshold is withheld. If the total is shown, the total minus the
    shown groups is the withheld groups' combined figure: while that holds some but fewer
    than `threshold` respondents, the smallest shown group is withheld with them. The total
    is a figure too: show it only if it reaches the threshold.
    """
    _check(counts, threshold)
    withheld = {group for group, n in counts.items() if n < threshold}
    hidden = sum(counts[group] for group in withheld)
    shown = [group for group in counts if group not in withheld]
    if total_shown and 0 < hidden < threshold and shown:
        # A shown group has n >= threshold, so one is always enough.
        withheld.add(min(shown, key=counts.__getitem__))
    return withheld


def withhold_in_tree(
    counts: Mapping[UnitId, int],
    parent_of: Mapping[UnitId, UnitId | None],
    *,
    threshold: int = THRESHOLD,
) -> set[UnitId]:
    """The units whose figures are withheld, where a unit's figure covers its subtree.

    counts are each unit's own respondents; a unit's n is its own plus all its descendants'.
    A shown unit minus its nearest shown descendants leaves its *remainder*: its own
    respondents and those of the withheld units between them. The rule:

    1. a unit whose n is under the threshold is withheld (so is its whole subtree);
    2. from the leaves up, while a shown unit's remainder holds some but fewer than
       `threshold` respondents, its nearest shown descendant with the smallest n is
       withheld too, which adds that unit's remainder to it. The shown unit itself stays,
       so the figures higher up, for the larger units, are the ones kept.

    Units named only in parent_of have no own respondents. A root has no figure above it:
    if an organisation-wide total is shown, pass it as the root.
    """
    _check(counts, threshold)
    units = _units(counts, parent_of)
    children: defaultdict[UnitId, list[UnitId]] = defaultdict(list)
    for unit in units:
        parent = parent_of.get(unit)
        if parent is not None:
            children[parent].append(unit)
    order = _leaves_first(units, parent_of)
    total: dict[UnitId, int] = {}
    for unit in order:
        total[unit] = counts.get(unit, 0) + sum(total[child] for child in children[unit])
    withheld = {unit for unit in units if total[unit] < threshold}
    remainder: dict[UnitId, int] = {}
    nearest_shown: dict[UnitId, list[UnitId]] = {}
    for unit in order:
        if unit in withheld:
            continue
        below = [child for child in children[unit] if child not in withheld]
        left = total[unit] - sum(total[child] for child in below)
        # left + the n of `below` is the unit's n >= threshold, so `below` is never empty here.
        while 0 < left < threshold:
            smallest = min(below, key=total.__getitem__)
            withheld.add(smallest)
            below.remove(smallest)
            below.extend(nearest_shown[smallest])
            left += remainder[smallest]
        remainder[unit], nearest_shown[unit] = left, below
    return withheld


def _check(counts: Mapping[K, int], threshold: int) -> None:
    if threshold < 1:
        raise ValueError(f"threshold: {threshold} is not a positive count")
    for group, n in counts.items():
        if n < 0:
            raise ValueError(f"counts: {group!r} has a negative count {n}")


def _units(counts: Mapping[UnitId, int], parent_of: Mapping[UnitId, UnitId | None]) -> list[UnitId]:
    named = [*counts, *parent_of, *(p for p in parent_of.values() if p is not None)]
    return list(dict.fromkeys(named))


def _leaves_first(units: list[UnitId], parent_of: Mapping[UnitId, UnitId | None]) -> list[UnitId]:
    depth: dict[UnitId, int] = {}
    for unit in units:
        path: list[UnitId] = []
        current: UnitId | None = unit
        while current is not None and current not in depth:
            if current in path:
                raise ValueError(f"parent_of: {current!r} is its own ancestor")
            path.append(current)
            current = parent_of.get(current)
        base = -1 if current is None else depth[current]
        for steps, walked in enumerate(reversed(path), start=1):
            depth[walked] = base + steps
    return sorted(units, key=depth.__getitem__, reverse=True)
