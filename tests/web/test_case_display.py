"""How the case screens word the timeline's entries, in the reader's language."""

from datetime import UTC, datetime

from kokemus.web.case_display import Wording
from kokemus.web.case_texts import TEXTS

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def wording(language: str) -> Wording:
    return Wording(TEXTS[language], {"company": "Kaari Oy"}, {})


def test_who_acted_is_worded_for_rules_and_the_command_line() -> None:
    by_rule = {"kind": "note", "at": AT, "details": {"text": "x"}, "by": "rule low-rating"}
    by_cli = {"kind": "note", "at": AT, "details": {"text": "x"}, "by": "command line"}
    by_person = {"kind": "note", "at": AT, "details": {"text": "x"}, "by": "Asta <a@b.fi>"}
    assert wording("fi").line(by_rule).by == "sääntö low-rating"
    assert wording("sv").line(by_cli).by == "kommandoraden"
    assert wording("en").line(by_person).by == "Asta <a@b.fi>"


def test_an_escalation_is_said_in_words() -> None:
    escalated = {
        "kind": "escalated",
        "at": AT,
        "by": "command line",
        "details": {
            "clock": "sla",
            "due": "2026-12-01T08:00:00+00:00",
            "priority": {"from": "normal", "to": "high"},
            "to_unit": "company",
        },
    }
    line = wording("fi").line(escalated)
    assert line.details == [
        "SLA-aika ylitetty, erääntyi 2026-12-01 10:00 EET",
        "Normaali → Korkea",
        "tieto yksikölle Kaari Oy",
    ]
