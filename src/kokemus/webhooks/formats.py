"""Message bodies: the Standard Webhooks shape, or what Slack and Teams incoming webhooks
take. Only what a channel needs to act is sent: the case, never the customer's contact
details or words.
"""

from typing import Any

TITLES = {
    "case.opened": "New case",
    "case.status_changed": "Case status changed",
    "case.escalated": "Case escalated",
    "case.resolved": "Case resolved",
    "alert.fired": "Alert",
}


def body(format_: str, event_type: str, timestamp: str, data: dict[str, Any]) -> dict[str, Any]:
    match format_:
        case "slack":
            return slack(event_type, data)
        case "teams":
            return teams(event_type, data)
        case _:
            return {"type": event_type, "timestamp": timestamp, "data": data}


def _headline(event_type: str, data: dict[str, Any]) -> str:
    title = TITLES.get(event_type, event_type)
    case = data.get("case") or {}
    if case:
        return f"{title} #{case.get('id')}: {case.get('reason', '')}"
    return f"{title}: {data.get('rule', {}).get('name', '')}"


def _facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    case = data.get("case") or {}
    pairs = [
        ("Status", case.get("status")),
        ("Priority", case.get("priority")),
        ("Owner", case.get("owner_unit")),
        ("Waiting on", case.get("waiting_unit")),
        ("Due", case.get("sla_due_at")),
        ("Rule", (data.get("rule") or {}).get("key")),
        ("Escalation", (data.get("escalation") or {}).get("clock")),
    ]
    return [(name, str(value)) for name, value in pairs if value]


def slack(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    headline = _headline(event_type, data)
    fields = [{"type": "mrkdwn", "text": f"*{name}*\n{value}"} for name, value in _facts(data)]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{_escape(headline)}*"}}
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields[:10]})
    if url := data.get("url"):
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "Open"}, "url": url}
                ],
            }
        )
    return {"text": headline, "blocks": blocks}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def teams(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """An Adaptive Card in a message, as Teams workflows' incoming webhooks take it."""
    priority = (data.get("case") or {}).get("priority", "normal")
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": _headline(event_type, data),
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
                "color": "Attention" if priority in ("high", "urgent") else "Default",
            },
            {
                "type": "FactSet",
                "facts": [{"title": name, "value": value} for name, value in _facts(data)],
            },
        ],
    }
    if url := data.get("url"):
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open", "url": url}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }
