"""The recovery metric: did the customer's experience recover after their case?

Of the customers with a case resolved in the period, those who answered a scored survey
after the resolution (within FOLLOW_WINDOW) form n: the case's follow-up invitation's
response when there is one, else their first such response. A customer recovered when the
first scale answer of that response is out of the weak band the metrics share (stars and
expectation 3 or more, NPS 7 or more, CES 4 or more). One customer counts once, by their
latest resolved case in the period. Shown with a Wilson interval, like every share.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.cases.models import Case
from kokemus.cases.signals import SCALE_TYPES, WEAK_AT_MOST
from kokemus.metrics.definitions import wilson_interval
from kokemus.surveys.models import Answer, Response

FOLLOW_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class Recovery:
    resolved_customers: int
    n: int  # of them, those who answered again
    recovered: int
    share: float | None
    interval: tuple[float, float] | None

    def view(self) -> dict[str, Any]:
        return {
            "resolved_customers": self.resolved_customers,
            "n": self.n,
            "recovered": self.recovered,
            "share": self.share,
            "interval_95": list(self.interval) if self.interval else None,
            "definition": __doc__.split("\n\n", 1)[1].strip() if __doc__ else "",
        }


def recovered(kind: str, value: float) -> bool:
    return value > WEAK_AT_MOST[kind]


def _later_score(session: Session, case: Case) -> tuple[str, float] | None:
    assert case.resolved_at is not None
    assert case.customer_id is not None
    query = (
        select(Response.id)
        .where(
            Response.customer_id == case.customer_id,
            Response.complete,
            Response.submitted_at > case.resolved_at,
            Response.submitted_at <= case.resolved_at + FOLLOW_WINDOW,
        )
        .order_by(Response.submitted_at, Response.id)
    )
    candidates = list(session.scalars(query))
    if case.follow_up_invitation_id is not None:
        invited = session.scalar(
            select(Response.id).where(
                Response.invitation_id == case.follow_up_invitation_id, Response.complete
            )
        )
        if invited is not None:
            candidates.insert(0, invited)
    for response_id in candidates:
        found = session.execute(
            select(Answer.question_type, Answer.number)
            .where(
                Answer.response_id == response_id,
                Answer.question_type.in_(SCALE_TYPES),
                Answer.number.is_not(None),
            )
            .order_by(Answer.id)
            .limit(1)
        ).first()
        if found is not None and found[1] is not None:
            return str(found[0]), float(found[1])
    return None


def recovery(session: Session, since: datetime, until: datetime) -> Recovery:
    latest: dict[int, Case] = {}
    for case in session.scalars(
        select(Case)
        .where(Case.resolved_at >= since, Case.resolved_at < until, Case.customer_id.is_not(None))
        .order_by(Case.resolved_at, Case.id)
    ):
        assert case.customer_id is not None
        latest[case.customer_id] = case
    answered = 0
    good = 0
    for case in latest.values():
        score = _later_score(session, case)
        if score is None:
            continue
        answered += 1
        good += recovered(*score)
    if answered == 0:
        return Recovery(len(latest), 0, 0, None, None)
    return Recovery(
        len(latest), answered, good, good / answered, wilson_interval(good, answered, 0.95)
    )
