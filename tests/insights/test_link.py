"""The employee-customer link per unit: figures from the breakdown service, anonymity kept."""

import json
import math
from datetime import date
from statistics import NormalDist
from typing import Any

import pytest

from kokemus.errors import InvalidInput
from kokemus.insights.link import LinkQuery, employee_customer_link
from kokemus.store import Database
from tests.factories import load_default_journey
from tests.insights.store_data import add_survey, day, respond

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
# Per unit: (eNPS answers, workday stars of each); carrier's two are under the threshold.
EMPLOYEES = {
    "store": ((10, 10, 9, 8, 3), 4),  # (3 - 1) / 5 = 40
    "customer-service": ((10, 9, 7, 6, 5, 4), 3),  # (2 - 3) / 6 = -16.7
    "sales": ((9, 9, 9, 9, 10), 5),  # 100
    "marketing": ((0, 1, 2, 3, 10), 2),  # (1 - 4) / 5 = -60
    "carrier": ((10, 10), 5),
    # Three at the company itself: with the carrier's two, what the company's figure holds
    # beyond the units shown is five people, so nothing else needs withholding.
    "company": ((8, 8, 8), 3),
}
# Customer stars per unit: CSAT 80, 75, 50, 60 and 100.
CUSTOMERS = {
    "sales": (5, 5, 4, 4, 2),
    "store": (5, 4, 4, 1),
    "customer-service": (5, 4, 2, 1),
    "marketing": (5, 4, 4, 2, 1),
    "carrier": (5,),
}


def link_store(database: Database) -> Database:
    load_default_journey(database)
    add_survey(
        database,
        "pulse",
        [("enps", "nps", None), ("workday-stars", "rating", None)],
        kind="employee",
    )
    add_survey(database, "meetings", [("meeting-stars", "rating", None)], kind="employee")
    add_survey(database, "service", [("stars", "rating", None)])
    for unit, (scores, stars) in EMPLOYEES.items():
        for score in scores:
            respond(
                database, "pulse", {"enps": score, "workday-stars": stars}, day(10, 5), unit=unit
            )
    for unit, stars_given in CUSTOMERS.items():
        for stars in stars_given:
            respond(database, "service", {"stars": stars}, day(10, 6), unit=unit)
    # Meetings: four at the store (withheld), five in sales. The company (nine) minus
    # sales would show the store's four, so sales is withheld too and the company kept.
    for unit, count, stars in (("store", 4, 5), ("sales", 5, 4)):
        for _ in range(count):
            respond(database, "meetings", {"meeting-stars": stars}, day(10, 7), unit=unit)
    return database


def run(database: Database, **changes: Any) -> dict[str, Any]:
    with database.transaction() as session:
        return employee_customer_link(session, LinkQuery(*OCTOBER, **changes))


def measures(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {measure["measure"]: measure for measure in result["measures"]}


def test_enps_against_csat_per_unit(database: Database) -> None:
    enps = measures(run(link_store(database)))["enps"]
    points = {point["unit"]: point for point in enps["points"]}
    # The company holds the units below it: they are the points, not it.
    assert sorted(points) == ["customer-service", "marketing", "sales", "store"]
    assert points["store"]["employee"]["value"] == pytest.approx(40)
    assert points["store"]["employee"]["n"] == 5
    assert points["customer-service"]["employee"]["value"] == pytest.approx(-100 / 6)
    assert points["store"]["customer"]["value"] == pytest.approx(75)
    assert points["marketing"]["customer"]["value"] == pytest.approx(60)
    # eNPS ranks marketing 1, service 2, store 3, sales 4; CSAT ranks service 1,
    # marketing 2, store 3, sales 4: d = (1, -1, 0, 0), rho = 1 - 6 · 2 / (4 · 15) = 0.8.
    correlation = enps["correlation"]
    assert correlation["n"] == 4
    assert correlation["rho"] == pytest.approx(0.8)
    # Fisher z with se √((1 + 0.8²/2) / (4 - 3)) = √1.32 = 1.1489: atanh 0.8 = 1.0986 ±
    # 1.96 · 1.1489 = 2.2518, so tanh(-1.1532) = -0.8188 to tanh(3.3504) = 0.9975.
    half = NormalDist().inv_cdf(0.975) * math.sqrt(1.32)
    assert correlation["ci_low"] == pytest.approx(math.tanh(math.atanh(0.8) - half))
    assert correlation["ci_high"] == pytest.approx(math.tanh(math.atanh(0.8) + half))
    assert correlation["ci_low"] == pytest.approx(-0.8188, abs=1e-4)
    assert correlation["ci_high"] == pytest.approx(0.9975, abs=1e-4)


def test_units_under_the_threshold_are_never_shown(database: Database) -> None:
    result = run(link_store(database))
    enps = measures(result)["enps"]
    # The carrier's two, and logistics above it holding the same two.
    assert enps["withheld_units"] == 2
    assert "carrier" not in json.dumps(result)
    assert "logistics" not in json.dumps(result)


def test_workday_stars_rank_like_the_enps(database: Database) -> None:
    workday = measures(run(link_store(database)))["workday"]
    assert {p["unit"]: p["employee"]["value"] for p in workday["points"]} == {
        "customer-service": 3,
        "marketing": 2,
        "sales": 5,
        "store": 4,
    }
    assert workday["correlation"]["rho"] == pytest.approx(0.8)
    assert workday["question"] == "workday-stars"


def test_complementary_suppression_leaves_only_the_company(database: Database) -> None:
    meeting = measures(run(link_store(database)))["meeting"]
    assert meeting["withheld_units"] == 2
    assert [point["unit"] for point in meeting["points"]] == ["company"]
    company = meeting["points"][0]
    assert company["employee"]["value"] == pytest.approx(40 / 9)
    # All 19 customer ratings: 13 of them 4 or 5.
    assert company["customer"]["value"] == pytest.approx(100 * 13 / 19)
    assert meeting["correlation"]["rho"] is None


def test_a_threshold_of_two_shows_the_carrier(database: Database) -> None:
    enps = measures(run(link_store(database), threshold=2))["enps"]
    assert "carrier" in {point["unit"] for point in enps["points"]}
    assert enps["withheld_units"] == 0


def test_units_of_one_kind_or_one_subtree(database: Database) -> None:
    link_store(database)
    teams = measures(run(database, unit_kind="team"))["enps"]
    assert [point["unit"] for point in teams["points"]] == ["customer-service"]
    logistics = measures(run(database, unit="logistics"))["enps"]
    assert logistics["points"] == []
    assert logistics["withheld_units"] == 2


def test_question_keys_are_parameters(database: Database) -> None:
    found = measures(run(link_store(database), enps_question="loyalty"))["enps"]
    assert found["points"] == []
    assert found["correlation"] == {"n": 0, "rho": None, "ci_low": None, "ci_high": None}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"unit_kind": "shop"}, "unit_kind"),
        ({"unit": "nowhere"}, "unit"),
        ({"threshold": 0}, "threshold"),
        ({"enps_question": "enps\x00"}, "enps_question"),
    ],
)
def test_bad_queries_name_the_field(
    database: Database, changes: dict[str, Any], field: str
) -> None:
    load_default_journey(database)
    with pytest.raises(InvalidInput) as raised:
        run(database, **changes)
    assert raised.value.field == field
