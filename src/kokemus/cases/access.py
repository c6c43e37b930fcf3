"""Who may see and change which cases.

Unscoped admins and analysts, API tokens and the command line see every case. A user
scoped to units sees the cases their units own or wait on. A partner user sees only the
cases its unit owns or that wait on it now, and of them only what it needs to act
(views.partner_view). Analysts only read.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from kokemus.accounts.scope import visible_unit_ids
from kokemus.accounts.sessions import SignedIn
from kokemus.audit.service import Actor
from kokemus.cases.errors import NotAllowed
from kokemus.cases.models import Case

READ_ONLY_ROLES = ("analyst",)


@dataclass(frozen=True)
class Viewer:
    role: str
    unit_ids: tuple[int, ...]
    user_id: int | None
    label: str  # as the timeline names who did it
    address: str | None = None

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.address)


COMMAND_LINE = Viewer("admin", (), None, "command line")


def token_viewer(name: str) -> Viewer:
    return Viewer("admin", (), None, f"API token {name}")


def rule_viewer(rule_key: str) -> Viewer:
    return Viewer("admin", (), None, f"rule {rule_key}")


def user_viewer(user: SignedIn, address: str | None = None) -> Viewer:
    label = f"{user.display_name} <{user.email}>"
    return Viewer(user.role, user.unit_ids, user.user_id, label, address)


def visible(session: Session, viewer: Viewer) -> ColumnElement[bool] | None:
    """A condition on cases for what the viewer may see; None when that is every case."""
    units = visible_unit_ids(session, viewer)
    if units is None:
        return None
    if viewer.is_partner:
        waits_on_them = and_(Case.status == "waiting_partner", Case.waiting_unit_id.in_(units))
        return or_(Case.owner_unit_id.in_(units), waits_on_them)
    return or_(Case.owner_unit_id.in_(units), Case.waiting_unit_id.in_(units))


def can_see(session: Session, viewer: Viewer, case: Case) -> bool:
    units = visible_unit_ids(session, viewer)
    if units is None:
        return True
    if case.owner_unit_id in units:
        return True
    if viewer.is_partner:
        return case.status == "waiting_partner" and case.waiting_unit_id in units
    return case.waiting_unit_id in units


def require_staff(viewer: Viewer, what: str) -> None:
    """Changes only staff make: partners and analysts may not."""
    if viewer.is_partner or viewer.role in READ_ONLY_ROLES:
        raise NotAllowed(f"a {viewer.role} user cannot {what}")


def require_writer(viewer: Viewer, what: str) -> None:
    if viewer.role in READ_ONLY_ROLES:
        raise NotAllowed(f"a {viewer.role} user cannot {what}")
