"""Moments of truth from the store: importance from survey drivers, performance from the
breakdown service, effort from CES or negative texts, and the evidence."""

from datetime import date
from itertools import product
from typing import Any

import pytest

from kokemus.insights.moments_service import (
    MomentsQuery,
    Verbatim,
    moments_of_truth,
    pick_verbatims,
)
from kokemus.insights.survey_data import SurveyDriverQuery
from kokemus.store import Database
from tests.factories import load_default_journey
from tests.insights.store_data import add_survey, analysed, day, respond

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
RATINGS = ("delivery", "website", "service", "newsletter")
# (row, touchpoint, sentiment, themes, text): row r is the response of 1 + r October.
TEXTS = [
    (15, "home-delivery", "positive", [], "Fast and friendly"),
    (14, "home-delivery", "negative", ["late"], "Late again"),
    (13, "home-delivery", "negative", ["late"], "Late, as always"),
    (12, "home-delivery", "negative", ["damaged"], "The box was crushed"),
    (11, "home-delivery", "negative", [], "Never again"),
    (10, "home-delivery", "negative", ["late", "damaged"], "Late and broken"),
    (4, "website", "negative", ["slow"], "Slow pages"),
    (3, "website", "positive", ["easy"], "Easy to find"),
    (2, "customer-service-contact", "negative", ["waiting"], "Forty minutes in the queue"),
    (1, "customer-service-contact", "negative", ["waiting"], "Nobody answered"),
    (0, "newsletter", "neutral", [], "Weekly"),
]


def moments_store(
    database: Database,
    *,
    delivery: tuple[int, int] = (1, 2),
    website: tuple[int, int] = (4, 5),
    service_ces: int = 2,
    newsletter_ces: int = 6,
) -> Database:
    """16 responses: a full 2⁴ design of four touchpoint ratings (d1..d4 = ±1).

    recommend = 5 + 2 d1 + 2 d2 + d3 (0..10), d4 (the newsletter) left out. The ratings
    are orthogonal, so r_j = a_j / sd(y) with sd(y)² = 4 + 4 + 1 = 9, whatever the two
    levels of each rating: importances (shares of R² = 1) 4/9, 4/9, 1/9 and 0, that is
    44.4 %, 44.4 %, 11.1 % and 0 %; their median (44.4 + 11.1) / 2 = 27.8. CSAT is 0 % for
    levels 1-2, 100 % for 4-5; median 50. Effort is 8 - CES: the median of the two is 4.
    """
    load_default_journey(database)
    add_survey(
        database,
        "touchpoints",
        [
            ("delivery", "rating", "home-delivery"),
            ("website", "rating", "website"),
            ("service", "rating", "customer-service-contact"),
            ("newsletter", "rating", "newsletter"),
            ("recommend", "nps", None),
            ("service-effort", "ces", "customer-service-contact"),
            ("newsletter-effort", "ces", "newsletter"),
            ("comment", "text", None),
        ],
    )
    add_survey(database, "pulse", [("comment", "text", None)], kind="employee")
    rows = []
    for row, (d1, d2, d3, d4) in enumerate(product((-1, 1), repeat=4)):
        answers: dict[str, Any] = {
            "delivery": delivery[(d1 + 1) // 2],
            "website": website[(d2 + 1) // 2],
            "service": (1, 2)[(d3 + 1) // 2],
            "newsletter": (4, 5)[(d4 + 1) // 2],
            "recommend": 5 + 2 * d1 + 2 * d2 + d3,
            "service-effort": service_ces,
            "newsletter-effort": newsletter_ces,
            "comment": "...",
        }
        rows.append(respond(database, "touchpoints", answers, day(10, 1 + row)))
    for row, touchpoint, sentiment, themes, text in TEXTS:
        analysed(
            database,
            touchpoint=touchpoint,
            sentiment=sentiment,
            themes=themes,
            text=text,
            response_id=rows[row],
        )
    # Neither an employee's words nor last month's count, however recent or negative.
    employee = respond(database, "pulse", {"comment": "..."}, day(10, 20), unit="store")
    analysed(
        database,
        touchpoint="home-delivery",
        sentiment="negative",
        themes=["late"],
        text="An employee's note",
        response_id=employee,
    )
    september = respond(database, "touchpoints", {"comment": "..."}, day(9, 30))
    analysed(
        database,
        touchpoint="home-delivery",
        sentiment="negative",
        themes=["late"],
        text="Last month",
        response_id=september,
    )
    return database


def query(**changes: Any) -> MomentsQuery:
    drivers = SurveyDriverQuery("touchpoints", *OCTOBER, outcome="recommend", drivers=RATINGS)
    return MomentsQuery(drivers=drivers, **{"resamples": 0, **changes})


def run(database: Database, **changes: Any) -> dict[str, Any]:
    with database.transaction() as session:
        return moments_of_truth(session, query(**changes))


def by_touchpoint(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {moment["touchpoint"]: moment for moment in result["moments"]}


def test_each_touchpoint_gets_the_action_its_figures_call_for(database: Database) -> None:
    moments = by_touchpoint(run(moments_store(database)))
    assert {key: m["action"] for key, m in moments.items()} == {
        "home-delivery": "improve",  # 44.4 % > 27.8, CSAT 0 < 50
        "website": "keep",  # 44.4 % > 27.8, CSAT 100 > 50
        "customer-service-contact": "reduce",  # 11.1 % < 27.8, effort 8 - 2 = 6 > 4
        "newsletter": "monitor",  # 0 % < 27.8, effort 8 - 6 = 2 < 4
    }
    delivery = moments["home-delivery"]
    assert delivery["importance"] == pytest.approx(400 / 9)
    assert delivery["performance"]["value"] == 0
    assert delivery["performance"]["n"] == 16
    assert delivery["weak_share"] == 100
    assert delivery["volume"] == 16
    assert delivery["stage"] == "delivery"
    assert delivery["effort"] is None
    assert moments["customer-service-contact"]["importance"] == pytest.approx(100 / 9)
    assert moments["customer-service-contact"]["effort"] == pytest.approx(6)
    assert moments["newsletter"]["importance"] == pytest.approx(0, abs=1e-9)


def test_the_thresholds_are_the_medians(database: Database) -> None:
    result = run(moments_store(database))
    assert result["thresholds"]["importance"] == pytest.approx((400 / 9 + 100 / 9) / 2)
    assert result["thresholds"]["performance"] == 50
    assert result["thresholds"]["effort"] == 4
    assert result["r2"] == pytest.approx(1)
    assert result["n"] == 16


def test_swapped_ratings_swap_improve_and_keep(database: Database) -> None:
    moments = by_touchpoint(run(moments_store(database, delivery=(4, 5), website=(1, 2))))
    assert moments["home-delivery"]["action"] == "keep"
    assert moments["website"]["action"] == "improve"


def test_an_easy_service_is_not_a_candidate_to_remove(database: Database) -> None:
    moments = by_touchpoint(run(moments_store(database, service_ces=6, newsletter_ces=2)))
    assert moments["customer-service-contact"]["action"] == "monitor"
    assert moments["newsletter"]["action"] == "reduce"


def test_the_weak_share_ranks_the_same_way_round(database: Database) -> None:
    moments = by_touchpoint(run(moments_store(database), performance="weak_share"))
    # Weak shares 100, 0 (median 50): lower is better, so the same actions.
    assert moments["home-delivery"]["action"] == "improve"
    assert moments["website"]["action"] == "keep"


def test_effort_from_negative_texts(database: Database) -> None:
    result = run(moments_store(database), effort="negative_text")
    moments = by_touchpoint(result)
    # Negative of the analysed texts in October: 5/6, 1/2, 2/2 and 0/1; median 66.7.
    assert moments["home-delivery"]["effort"] == pytest.approx(500 / 6)
    assert moments["website"]["effort"] == 50
    assert result["thresholds"]["effort"] == pytest.approx((500 / 6 + 50) / 2)
    assert moments["customer-service-contact"]["action"] == "reduce"
    assert moments["newsletter"]["action"] == "monitor"


def test_one_touchpoint_is_no_comparison(database: Database) -> None:
    drivers = SurveyDriverQuery("touchpoints", *OCTOBER, outcome="recommend", drivers=("delivery",))
    with moments_store(database).transaction() as session:
        result = moments_of_truth(session, MomentsQuery(drivers=drivers, resamples=0))
    assert [m["action"] for m in result["moments"]] == ["monitor"]
    assert "one_touchpoint" in [w["code"] for w in result["warnings"]]
    assert "one_touchpoint" not in [w["code"] for w in run(database)["warnings"]]


def test_too_few_responses_are_only_monitored(database: Database) -> None:
    moments = by_touchpoint(run(moments_store(database), min_volume=17))
    assert {m["action"] for m in moments.values()} == {"monitor"}
    assert "only 16 responses" in moments["home-delivery"]["reason"]


def test_the_evidence_for_improving_delivery(database: Database) -> None:
    delivery = by_touchpoint(run(moments_store(database)))["home-delivery"]
    # Five negative texts in October (not the employee's, not September's): "late" in
    # three of them (60 %), "damaged" in two (40 %).
    assert delivery["negative_texts"] == 5
    assert delivery["negative_themes"] == [
        {"theme": "late", "count": 3, "share": 60.0},
        {"theme": "damaged", "count": 2, "share": 40.0},
    ]
    # Newest first, each with a theme not shown yet: "Late again" (late), "Late, as always"
    # waits (late is shown), the crushed box (damaged), "Never again" (no theme yet).
    assert [v["text"] for v in delivery["verbatims"]] == [
        "Late again",
        "The box was crushed",
        "Never again",
    ]
    assert {v["sentiment"] for v in delivery["verbatims"]} == {"negative"}


def test_the_evidence_follows_the_action(database: Database) -> None:
    moments = by_touchpoint(run(moments_store(database)))
    assert [v["text"] for v in moments["website"]["verbatims"]] == ["Easy to find"]
    assert moments["website"]["negative_themes"] == [{"theme": "slow", "count": 1, "share": 100.0}]
    # Both service texts say "waiting": the second fills the place nothing new could.
    assert [v["text"] for v in moments["customer-service-contact"]["verbatims"]] == [
        "Forty minutes in the queue",
        "Nobody answered",
    ]
    assert [v["text"] for v in moments["newsletter"]["verbatims"]] == ["Weekly"]


def test_importance_intervals_with_the_bootstrap(database: Database) -> None:
    moments = by_touchpoint(run(moments_store(database), resamples=100))
    low, high = moments["website"]["importance_ci"]
    assert low <= moments["website"]["importance"] <= high


def verbatim(text: str, themes: tuple[str, ...], hour: int) -> Verbatim:
    return Verbatim(text, "negative", -0.5, themes, day(10, 1, hour))


def test_verbatims_are_recent_and_diverse() -> None:
    candidates = [
        verbatim("a", ("late",), 9),
        verbatim("a", ("rude",), 8),  # the same words again: shown once
        verbatim("b", ("late",), 7),
        verbatim("c", ("late", "rude"), 6),
        verbatim("d", (), 5),
        verbatim("e", (), 4),
    ]
    assert [v.text for v in pick_verbatims(candidates, 3)] == ["a", "c", "d"]
    assert [v.text for v in pick_verbatims(candidates, 5)] == ["a", "b", "c", "d", "e"]
    assert pick_verbatims([], 3) == []
