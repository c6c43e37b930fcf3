"""The effects planted in the demo, found again with plain SQL over what it stored.

The margins are wide: each effect is several times its noise at this size, so the checks
hold for any reasonable change to the generator that keeps the effect.
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text

from kokemus.demo.period import HELSINKI, Period
from kokemus.enrich.models import TextAnalysisRecord
from kokemus.ingest.models import Event
from kokemus.store import Database
from kokemus.surveys.models import Answer, Response, Survey
from tests.demo.conftest import END

# Per delivery response: whether the carrier reported damage or a delay for that delivery
# (the carrier's events of one delivery share its tracking number, so its identity).
DELIVERY_SCORES = """
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM events d WHERE d.identity_id = e.identity_id
                    AND d.name = 'Delivery Damaged') THEN 1 ELSE 0 END AS damaged,
  CASE WHEN EXISTS (SELECT 1 FROM events d WHERE d.identity_id = e.identity_id
                    AND d.name = 'Delivery Delayed') THEN 1 ELSE 0 END AS late,
  a.question_key,
  count(*) AS n,
  avg(a.number) AS mean,
  avg(CASE WHEN a.number <= 6 THEN 1.0 ELSE 0.0 END) AS up_to_six,
  avg(CASE WHEN a.number <= 2 THEN 1.0 ELSE 0.0 END) AS up_to_two
FROM survey_responses r
JOIN surveys s ON s.id = r.survey_id
JOIN events e ON e.id = r.event_id
JOIN survey_answers a ON a.response_id = r.id
WHERE s.key = 'delivery-feedback'
  AND a.question_key IN ('delivery-stars', 'recommend', 'expectation')
GROUP BY 1, 2, 3
"""

UNIT_MEANS = """
SELECT u.key, s.key, a.question_key, count(*), avg(a.number)
FROM survey_answers a
JOIN survey_responses r ON r.id = a.response_id
JOIN surveys s ON s.id = r.survey_id
JOIN units u ON u.id = r.unit_id
WHERE u.kind = 'store' AND a.number IS NOT NULL
  AND a.question_key IN ('visit-stars', 'recommend', 'staff-welcome', 'workday-stars', 'enps')
GROUP BY 1, 2, 3
"""

SERVICE_ANSWERS = """
SELECT r.id, e.identity_id, e.occurred_at, a.question_key, a.number
FROM survey_responses r
JOIN surveys s ON s.id = r.survey_id
JOIN events e ON e.id = r.event_id
JOIN survey_answers a ON a.response_id = r.id
WHERE s.key = 'service-feedback' AND a.question_key IN ('effort', 'service-stars')
"""


def rows(database: Database, sql: str) -> list[Any]:
    with database.transaction() as session:
        return list(session.execute(text(sql)))


def delivery_groups(database: Database) -> dict[tuple[str, str], Any]:
    """(group, question) -> row, where group is damaged, late or fine."""
    found = {}
    for damaged, late, question, n, mean, up_to_six, up_to_two in rows(database, DELIVERY_SCORES):
        group = "damaged" if damaged else ("late" if late else "fine")
        if (group, question) in found:  # damaged and late: counted with damaged only
            continue
        found[(group, question)] = (n, float(mean), float(up_to_six), float(up_to_two))
    return found


def test_damaged_deliveries_get_weak_ratings_and_detractors(demo: Database) -> None:
    groups = delivery_groups(demo)
    damaged_n, damaged_stars, _, damaged_low = groups[("damaged", "delivery-stars")]
    fine_n, fine_stars, _, fine_low = groups[("fine", "delivery-stars")]
    assert damaged_n >= 20
    assert fine_n >= 200
    assert damaged_stars <= fine_stars - 1.2
    assert damaged_low >= 0.4 > 0.1 >= fine_low
    _, _, damaged_detractors, _ = groups[("damaged", "recommend")]
    _, _, fine_detractors, _ = groups[("fine", "recommend")]
    assert damaged_detractors >= 0.6
    assert fine_detractors <= 0.25
    _, _, _, damaged_weak = groups[("damaged", "expectation")]
    _, _, _, fine_weak = groups[("fine", "expectation")]
    assert damaged_weak >= 0.5
    assert fine_weak <= 0.2


def test_late_deliveries_score_below_those_on_time(demo: Database) -> None:
    groups = delivery_groups(demo)
    late_n, late_stars, _, _ = groups[("late", "delivery-stars")]
    _, fine_stars, _, _ = groups[("fine", "delivery-stars")]
    assert late_n >= 20
    assert late_stars <= fine_stars - 0.7
    assert groups[("late", "recommend")][2] >= groups[("fine", "recommend")][2] + 0.25


def test_comments_on_damaged_deliveries_say_so(demo: Database) -> None:
    damaged_deliveries = select(Event.identity_id).where(Event.name == "Delivery Damaged")
    with demo.transaction() as session:
        found = session.execute(
            select(Event.identity_id.in_(damaged_deliveries), TextAnalysisRecord.themes)
            .join(Answer, Answer.id == TextAnalysisRecord.answer_id)
            .join(Response, Response.id == Answer.response_id)
            .join(Event, Event.id == Response.event_id)
            .join(Survey, Survey.id == Response.survey_id)
            .where(Survey.key == "delivery-feedback")
        ).all()
    about_damage: dict[bool, list[bool]] = defaultdict(list)
    for damaged, themes in found:
        about_damage[bool(damaged)].append("delivery_damage" in themes)
    assert len(about_damage[True]) >= 10
    assert sum(about_damage[True]) / len(about_damage[True]) >= 0.6
    # Some happy customers praise the packing; far fewer than the damaged write of damage.
    assert sum(about_damage[False]) / len(about_damage[False]) <= 0.15


def test_the_store_with_better_workdays_has_better_customer_scores(demo: Database) -> None:
    means = {
        (unit, question): (n, float(mean)) for unit, _, question, n, mean in rows(demo, UNIT_MEANS)
    }
    stores = {unit for unit, _ in means}
    assert stores == {"store-jyvaskyla", "store-kuopio"}
    better = max(stores, key=lambda unit: means[(unit, "workday-stars")][1])
    (worse,) = stores - {better}
    assert means[(better, "workday-stars")][1] >= means[(worse, "workday-stars")][1] + 0.4
    assert means[(better, "enps")][1] >= means[(worse, "enps")][1] + 1.0
    for question, margin in (("visit-stars", 0.3), ("staff-welcome", 0.3), ("recommend", 0.6)):
        assert means[(better, question)][0] >= 50
        assert means[(better, question)][1] >= means[(worse, question)][1] + margin, question


def test_repeat_contacts_within_a_week_are_harder_and_less_satisfying(demo: Database) -> None:
    with demo.transaction() as session:
        contacts = session.execute(
            select(Event.identity_id, Event.name, Event.occurred_at).where(
                Event.name.in_(("Ticket Created", "Ticket Reopened"))
            )
        ).all()
        answers = session.execute(
            select(
                Response.id,
                Event.identity_id,
                Event.occurred_at,
                Answer.question_key,
                Answer.number,
            )
            .join(Event, Event.id == Response.event_id)
            .join(Answer, Answer.response_id == Response.id)
            .join(Survey, Survey.id == Response.survey_id)
            .where(
                Survey.key == "service-feedback",
                Answer.question_key.in_(("effort", "service-stars")),
            )
        ).all()
    by_requester: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for requester, name, at in contacts:
        by_requester[requester].append((at, str(name)))
    scores: dict[bool, dict[str, list[float]]] = {True: defaultdict(list), False: defaultdict(list)}
    for _, requester, solved, question, number in answers:
        assert number is not None
        scores[_friction(by_requester[requester], solved)][question].append(number)
    repeat, single = scores[True], scores[False]
    assert len(repeat["effort"]) >= 15
    assert len(single["effort"]) >= 40
    assert _mean(repeat["effort"]) <= _mean(single["effort"]) - 1.0
    assert _top_two(repeat["service-stars"]) <= _top_two(single["service-stars"]) - 0.3


def _friction(contacts: list[tuple[datetime, str]], solved: datetime) -> bool:
    """The solved ticket was reopened, or opened within 7 days of an earlier ticket."""
    before = sorted(at for at, name in contacts if name == "Ticket Created" and at <= solved)
    opened = before[-1]
    reopened = any(name == "Ticket Reopened" and opened < at <= solved for at, name in contacts)
    earlier = any(opened - timedelta(days=7) <= at < opened for at in before)
    return reopened or earlier


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _top_two(values: list[float]) -> float:
    return sum(value >= 4 for value in values) / len(values)


def test_volume_follows_the_seasons(demo: Database) -> None:
    with demo.transaction() as session:
        orders = session.scalars(select(Event.occurred_at).where(Event.name == "Order Completed"))
        per_month = Counter(at.astimezone(HELSINKI).month for at in orders)
        purchases = session.scalars(select(Event.occurred_at).where(Event.name == "Store Purchase"))
        per_store_month = Counter(at.astimezone(HELSINKI).month for at in purchases)
    assert per_month[11] >= 1.8 * per_month[7]  # the November sales against the summer lull
    assert per_month[1] >= 1.6 * per_month[7]
    assert per_store_month[12] >= 1.6 * per_store_month[2]  # winter boots and Christmas


def test_everything_happened_within_the_year(demo: Database) -> None:
    period = Period(END)
    with demo.transaction() as session:
        first, last = session.execute(
            select(func.min(Event.occurred_at), func.max(Event.occurred_at))
        ).one()
        submitted = session.scalars(select(Response.submitted_at)).all()
    assert period.opens <= first
    assert last < period.closes
    assert all(at is not None and period.opens <= at < period.closes for at in submitted)
