"""How the case screens word what the cases service returns: timeline lines, names of
units and causes in the reader's language, and errors that name their field."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kokemus.errors import DomainError
from kokemus.reports.localise import with_decimal_mark
from kokemus.web.layout import when

# The form each refused field is filled in on, for the link beside its error.
FIELD_FORMS = {
    "contacts": "contact-form",
    "channel": "contact-form",
    "what_happened": "contact-form",
    "why": "contact-form",
    "contacted_at": "contact-form",
    "root_cause": "root-cause-form",
    "key": "root-cause-form",
    "resolution": "resolution-form",
    "kind": "resolution-form",
    "amount": "resolution-form",
    "currency": "resolution-form",
    "note": "status-form",
    "waiting_unit": "status-form",
    "status": "status-form",
    "to": "status-form",
    "assignee": "assign-form",
    "owner_unit": "assign-form",
    "priority": "assign-form",
    "text": "note-form",
}
FIELD_TEXT_KEYS = {
    "status": "field_status",
    "to": "field_status",
    "contacts": "field_contacts",
    "waiting_unit": "field_waiting_unit",
    "assignee": "field_assignee",
    "contacted_at": "field_contacted_at",
    "key": "root_cause",
}


@dataclass(frozen=True)
class Problem:
    field: str
    label: str
    message: str
    form: str | None

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


def problem(error: DomainError, texts: dict[str, str]) -> Problem:
    """The error as the page shows it: the field's name in the reader's language, then
    the service's own words (without the field it may already start with)."""
    field = str(getattr(error, "field", "") or "status")
    message = _in_language(error, texts) or str(error)
    if message.startswith(f"{field}: "):
        message = message[len(field) + 2 :]
    label = texts.get(FIELD_TEXT_KEYS.get(field, field), field)
    return Problem(field, label, message, FIELD_FORMS.get(field))


def _in_language(error: DomainError, texts: dict[str, str]) -> str | None:
    """The refusal in the reader's language when the service gave it a code, with
    statuses by their names; None keeps the service's English words."""
    code = getattr(error, "code", None)
    wording = texts.get(f"error_{code}") if code else None
    if wording is None:
        return None
    params: dict[str, Any] = dict(getattr(error, "params", {}))
    for name in ("status", "current", "target"):
        if name in params:
            params[name] = texts.get(f"status_{params[name]}", str(params[name]))
    if "kind" in params:
        params["kind"] = texts.get(f"resolution_{params['kind']}", str(params["kind"])).lower()
    if "statuses" in params:
        params["statuses"] = ", ".join(texts.get(f"status_{s}", s) for s in params["statuses"])
    try:
        return wording.format(**params)
    except (KeyError, IndexError):
        return None


@dataclass(frozen=True)
class Line:
    at: datetime
    label: str
    details: list[str]
    by: str | None


class Wording:
    """Names for what a case refers to by key, in the reader's language."""

    def __init__(
        self, texts: dict[str, str], units: dict[str, str], causes: dict[str, str]
    ) -> None:
        self.texts, self.units, self.causes = texts, units, causes

    def status(self, key: str | None) -> str:
        return self.texts.get(f"status_{key}", key or "")

    def priority(self, key: str | None) -> str:
        return self.texts.get(f"priority_{key}", key or "")

    def unit(self, key: str | None) -> str:
        return self.units.get(key or "", key or "")

    def cause(self, key: str | None) -> str:
        return self.causes.get(key or "", key or "")

    def line(self, entry: dict[str, Any]) -> Line:
        kind = entry["kind"]
        label = self.texts.get(f"entry_{kind}", kind)
        return Line(entry["at"], label, self.details(kind, entry["details"]), self._by(entry))

    def _by(self, entry: dict[str, Any]) -> str | None:
        """Who did it; the service's own names for its rules and the command line, worded."""
        by = entry.get("by")
        if isinstance(by, str) and by.startswith("rule "):
            return self.texts["line_rule"].format(rule=by.removeprefix("rule "))
        if by == "command line":
            return self.texts["by_command_line"]
        return by

    def details(self, kind: str, details: dict[str, Any]) -> list[str]:
        match kind:
            case "opened":
                return _given(details.get("reason"), self.priority(details.get("priority")))
            case "status":
                change = _arrow(self.status(details.get("from")), self.status(details.get("to")))
                waits = details.get("waiting_unit")
                return _given(change, self.unit(waits) if waits else None, details.get("note"))
            case "priority":
                return [
                    _arrow(self.priority(details.get("from")), self.priority(details.get("to")))
                ]
            case "assigned":
                parts = []
                if "assignee" in details:
                    parts.append(details["assignee"] or self.texts["unassigned"])
                if details.get("owner_unit"):
                    parts.append(self.unit(details["owner_unit"]))
                return parts
            case "root_cause":
                return _given(self.cause(details.get("key")), details.get("note"))
            case "resolution":
                amount = details.get("amount")
                shown = with_decimal_mark(str(amount), self.texts["decimal_mark"])
                money = f"{shown} {details.get('currency')}" if amount else None
                kind_name = self.texts.get(f"resolution_{details.get('kind')}")
                return _given(kind_name, money, details.get("note"))
            case "contact":
                channel = self.texts.get(f"channel_{details.get('channel')}")
                contacted = _moment(details.get("contacted_at"))
                return _given(channel, when(contacted) if contacted else None)
            case "note" | "partner_note":
                return _given(details.get("text"))
            case "signal":
                source = (
                    "line_from_event" if details.get("kind") == "event" else "line_from_response"
                )
                return _given(self.texts[source], self._rule(details.get("rule")))
            case "escalated":
                late = "line_partner_late" if details.get("clock") == "partner" else "line_sla_late"
                due = _moment(details.get("due"))
                priority = details.get("priority") or {}
                to_unit = details.get("to_unit")
                return _given(
                    self.texts[late].format(due=when(due)) if due else None,
                    _arrow(self.priority(priority.get("from")), self.priority(priority.get("to")))
                    if priority
                    else None,
                    self.texts["line_to_unit"].format(unit=self.unit(to_unit)) if to_unit else None,
                )
            case "claim":
                level = self.texts.get(f"risk_{details.get('risk_level')}", "")
                score = self.texts["risk_score"].format(
                    score=details.get("risk_score"), level=level
                )
                signals = [
                    self.texts.get(f"signal_{name}", name) for name in details.get("signals") or []
                ]
                return _given(score, *signals)
            case "follow_up":
                survey = details.get("survey")
                if details.get("skipped"):
                    return _given(survey, self.texts["line_follow_up_skipped"])
                send_at = _moment(details.get("send_at"))
                return _given(
                    survey,
                    self.texts["line_follow_up_at"].format(at=when(send_at)) if send_at else None,
                )
            case _:
                return [f"{name}: {_plain(value)}" for name, value in details.items() if value]

    def _rule(self, key: str | None) -> str | None:
        return self.texts["line_rule"].format(rule=key) if key else None


def _moment(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _arrow(before: str, after: str) -> str:
    return f"{before} → {after}"


def _given(*parts: object) -> list[str]:
    return [str(part) for part in parts if part]


def _plain(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return str(value)


def names_in(names: dict[str, str], language: str, fallback: str) -> str:
    return names.get(language) or names.get("en") or fallback
