"""Every status change a case may make, decided in one function.

    new ─► investigating ─► waiting_partner ─► customer_informed ─► resolved ─► closed
     │          ▲   ▲──────────────┘                                   │          │
     └► closed  └── reopened ◄─────────────────────────────────────────┴──────────┘

The customer is told what happened and why (a contact in the log) before a case becomes
customer_informed, and before it is resolved; a resolved case has a root cause and a
resolution. A partner user only hands a case back (waiting_partner → investigating).
"""

from dataclasses import dataclass

from kokemus.cases.errors import NotAllowed, TransitionRefused
from kokemus.cases.models import STATUSES

WORKING = ("new", "investigating", "reopened", "customer_informed")


@dataclass(frozen=True)
class Facts:
    """What the guards look at, gathered by the caller before the change."""

    partner_unit: bool = False  # a partner unit to wait on is named
    customer_informed: bool = False  # the contact log has an entry
    root_cause: bool = False
    resolution: bool = False
    note: bool = False  # a reason for the change is given
    by_partner: bool = False


def check(current: str, target: str, facts: Facts) -> None:
    """Return when `current` may become `target` now; raise saying why not otherwise."""
    if target not in STATUSES:
        raise TransitionRefused(
            f"{target!r} is not a status; use one of {', '.join(STATUSES)}",
            code="not_a_status",
            params={"target": target, "statuses": STATUSES},
        )
    if current == target:
        raise TransitionRefused(
            f"the case is already {current}", code="already", params={"status": current}
        )
    if facts.by_partner and (current, target) != ("waiting_partner", "investigating"):
        raise NotAllowed("a partner can only hand back a case that waits on it")
    if not _listed(current, target, facts):
        targets = allowed_targets(current)
        raise TransitionRefused(
            f"a {current} case cannot become {target}; it can become " + ", ".join(targets),
            code="cannot_become",
            params={"current": current, "target": target, "statuses": targets},
        )


def _listed(current: str, target: str, facts: Facts) -> bool:
    """Whether the pair is an allowed change at all; raises when its guard is not met."""
    match (current, target):
        case ("new" | "investigating" | "reopened" | "customer_informed", "waiting_partner"):
            _need(facts.partner_unit, "waiting_unit", "need_partner_unit")
        case ("new" | "waiting_partner" | "reopened" | "customer_informed", "investigating"):
            pass
        case ("new" | "investigating" | "waiting_partner" | "reopened", "customer_informed"):
            _need(facts.customer_informed, "contacts", "tell_first")
        case ("new" | "investigating" | "waiting_partner" | "customer_informed" | "reopened",
              "resolved"):  # fmt: skip
            _need(facts.root_cause, "root_cause", "need_root_cause")
            _need(facts.resolution, "resolution", "need_resolution")
            _need(facts.customer_informed, "contacts", "tell_first")
        case ("resolved", "closed"):
            pass
        case ("new", "closed"):
            _need(facts.note, "note", "need_close_note")
        case ("resolved" | "closed", "reopened"):
            _need(facts.note, "note", "need_reopen_note")
        case _:
            return False
    return True


_GUARDS = {
    "need_partner_unit": "name the partner unit the case waits on",
    "tell_first": "log how the customer was told what happened and why first",
    "need_root_cause": "record the root cause first",
    "need_resolution": "record the resolution first",
    "need_close_note": "say why a new case is closed without resolving it",
    "need_reopen_note": "say why the case is reopened",
}
_EVERYTHING = Facts(True, True, True, True, True)


def _need(present: bool, field: str, code: str) -> None:
    if not present:
        raise TransitionRefused(_GUARDS[code], field, code=code)


def allowed_targets(current: str) -> list[str]:
    """The statuses `current` can lead to once their guards are met."""
    return [t for t in STATUSES if t != current and _listed(current, t, _EVERYTHING)]
