"""Which units a user may see: the units in their scope and everything below them."""

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts.models import UNSCOPED_ROLES
from kokemus.journeys.models import Unit


class Scoped(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def unit_ids(self) -> tuple[int, ...]: ...


def sees_everything(user: Scoped) -> bool:
    return not user.unit_ids and user.role in UNSCOPED_ROLES


def can_see_unit(session: Session, user: Scoped, unit_id: int | None) -> bool:
    """Whether `unit_id` is in the user's scope; data tied to no unit is for the unscoped."""
    if sees_everything(user):
        return True
    if unit_id is None:
        return False
    parents = _parents(session)
    scope = set(user.unit_ids)
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in seen:
        if current in scope:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def visible_unit_ids(session: Session, user: Scoped) -> set[int] | None:
    """The ids of every unit the user may see; None when that is all of them."""
    if sees_everything(user):
        return None
    children: dict[int | None, list[int]] = {}
    for unit, parent in _parents(session).items():
        children.setdefault(parent, []).append(unit)
    visible: set[int] = set()
    waiting = list(user.unit_ids)
    while waiting:
        unit = waiting.pop()
        if unit not in visible:
            visible.add(unit)
            waiting.extend(children.get(unit, ()))
    return visible


def _parents(session: Session) -> dict[int, int | None]:
    # The tree is a few hundred units at most: one read of it beats a recursive query.
    return dict(session.execute(select(Unit.id, Unit.parent_id)).all())
