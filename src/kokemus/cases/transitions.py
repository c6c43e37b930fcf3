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
        raise TransitionRefused(f"{target!r} is not a status; use one of {', '.join(STATUSES)}")
    if current == target:
        raise TransitionRefused(f"the case is already {current}")
    if facts.by_partner and (current, target) != ("waiting_partner", "investigating"):
        raise NotAllowed("a partner can only hand back a case that waits on it")
    if not _listed(current, target, facts):
        raise TransitionRefused(
            f"a {current} case cannot become {target}; it can become "
            + ", ".join(allowed_targets(current))
        )


def _listed(current: str, target: str, facts: Facts) -> bool:
    """Whether the pair is an allowed change at all; raises when its guard is not met."""
    match (current, target):
        case ("new" | "investigating" | "reopened" | "customer_informed", "waiting_partner"):
            _need(facts.partner_unit, "waiting_unit", "name the partner unit the case waits on")
        case ("new" | "waiting_partner" | "reopened" | "customer_informed", "investigating"):
            pass
        case ("new" | "investigating" | "waiting_partner" | "reopened", "customer_informed"):
            _need(facts.customer_informed, "contacts", _TELL_FIRST)
        case ("new" | "investigating" | "waiting_partner" | "customer_informed" | "reopened",
              "resolved"):  # fmt: skip
            _need(facts.root_cause, "root_cause", "record the root cause first")
            _need(facts.resolution, "resolution", "record the resolution first")
            _need(facts.customer_informed, "contacts", _TELL_FIRST)
        case ("resolved", "closed"):
            pass
        case ("new", "closed"):
            _need(facts.note, "note", "say why a new case is closed without resolving it")
        case ("resolved" | "closed", "reopened"):
            _need(facts.note, "note", "say why the case is reopened")
        case _:
            return False
    return True


_TELL_FIRST = "log how the customer was told what happened and why first"
_EVERYTHING = Facts(True, True, True, True, True)


def _need(present: bool, field: str, message: str) -> None:
    if not present:
        raise TransitionRefused(message, field)


def allowed_targets(current: str) -> list[str]:
    """The statuses `current` can lead to once their guards are met."""
    return [t for t in STATUSES if t != current and _listed(current, t, _EVERYTHING)]
