import pytest

from kokemus.cases.errors import NotAllowed, TransitionRefused
from kokemus.cases.models import STATUSES
from kokemus.cases.transitions import Facts, allowed_targets, check

READY = Facts(
    partner_unit=True, customer_informed=True, root_cause=True, resolution=True, note=True
)

TABLE = {
    "new": ["investigating", "waiting_partner", "customer_informed", "resolved", "closed"],
    "investigating": ["waiting_partner", "customer_informed", "resolved"],
    "waiting_partner": ["investigating", "customer_informed", "resolved"],
    "customer_informed": ["investigating", "waiting_partner", "resolved"],
    "resolved": ["closed", "reopened"],
    "closed": ["reopened"],
    "reopened": ["investigating", "waiting_partner", "customer_informed", "resolved"],
}


def test_the_table_of_allowed_changes() -> None:
    assert {status: allowed_targets(status) for status in STATUSES} == TABLE
    for current in STATUSES:
        for target in STATUSES:
            if target in TABLE[current]:
                check(current, target, READY)
            else:
                with pytest.raises(TransitionRefused):
                    check(current, target, READY)


@pytest.mark.parametrize(
    ("current", "target", "missing", "field"),
    [
        ("investigating", "waiting_partner", "partner_unit", "waiting_unit"),
        ("investigating", "customer_informed", "customer_informed", "contacts"),
        ("customer_informed", "resolved", "root_cause", "root_cause"),
        ("customer_informed", "resolved", "resolution", "resolution"),
        ("investigating", "resolved", "customer_informed", "contacts"),
        ("new", "closed", "note", "note"),
        ("closed", "reopened", "note", "note"),
    ],
)
def test_each_guard_names_what_is_missing(
    current: str, target: str, missing: str, field: str
) -> None:
    facts = Facts(
        **{
            name: name != missing
            for name in ("partner_unit", "customer_informed", "root_cause", "resolution", "note")
        }
    )
    with pytest.raises(TransitionRefused) as refused:
        check(current, target, facts)
    assert refused.value.field == field
    assert refused.value.status_code == 409


def test_a_partner_only_hands_back_a_case_that_waits_on_it() -> None:
    partner = Facts(by_partner=True)
    check("waiting_partner", "investigating", partner)
    for current, target in [("waiting_partner", "resolved"), ("new", "investigating")]:
        with pytest.raises(NotAllowed):
            check(current, target, partner)


def test_unknown_and_unchanged_statuses_are_refused() -> None:
    with pytest.raises(TransitionRefused, match="not a status"):
        check("new", "done", READY)
    with pytest.raises(TransitionRefused, match="already new"):
        check("new", "new", READY)
