"""The overview: headline scores with intervals and trend, the expectation gap, the journey
heatmap, moments of truth, goals and the latest stories; drilled down by period, unit,
stage and touchpoint. Every figure comes from the metrics service, as the API gives it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kokemus.accounts.scope import visible_unit_ids
from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppSettings, DbSession
from kokemus.customers.access import scoped_touchpoint_ids, scoped_unit_ids, visible_counts
from kokemus.enrich.story_wall import WallRequest, story_wall
from kokemus.errors import DomainError
from kokemus.ingest.models import Source
from kokemus.insights.moment_reasons import render_reason
from kokemus.insights.moments_service import MomentsQuery, moments_of_truth
from kokemus.insights.survey_data import SurveyDriverQuery
from kokemus.journeys.models import Unit
from kokemus.metrics import goals_service
from kokemus.metrics.breakdown import BreakdownQuery, Filters
from kokemus.metrics.definitions import VALUE_RANGES, MetricName
from kokemus.metrics.dimensions import Context, read_context
from kokemus.metrics.periods import bucket
from kokemus.metrics.rollups import organisation_zone
from kokemus.metrics.service import BreakdownResult, GroupResult, breakdown
from kokemus.reports.analyses import driver_survey
from kokemus.reports.charts import (
    Chart,
    figure,
    interval,
    shares_chart,
    trend_chart,
)
from kokemus.reports.context import Names, ReportRequest, read_names
from kokemus.reports.localise import localised
from kokemus.reports.period import Period, parse_period
from kokemus.reports.report_texts import TEXTS as REPORT_TEXTS
from kokemus.store import dialect
from kokemus.store.base import utcnow
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.overview_texts import TEXTS

router = APIRouter(include_in_schema=False)

HEADLINE: tuple[MetricName, ...] = ("nps", "csat", "ces", "expectation")
HEATMAP: tuple[MetricName, ...] = ("nps", "csat", "ces", "expectation")
Key = Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9_\-]*$")]
TREND_MONTHS = 12
# The latest stories need only the latest comments to choose from.
OVERVIEW_STORY_CANDIDATES = 300


@dataclass(frozen=True)
class Scope:
    period: Period
    unit: str | None
    stage: str | None
    touchpoint: str | None
    threshold: int
    context: Context | None = None

    def filters(self) -> Filters:
        return Filters(
            unit=self.unit,
            stage=(self.stage,) if self.stage else (),
            touchpoint=(self.touchpoint,) if self.touchpoint else (),
        )

    def scores(
        self,
        session: Session,
        metric: MetricName,
        group_by: tuple[str, ...] = (),
        days: tuple[date, date] | None = None,
    ) -> BreakdownResult:
        first, last = days or (self.period.first, self.period.last)
        query = BreakdownQuery(metric, first, last, group_by, self.filters())
        return breakdown(
            session, query, with_previous=True, threshold=self.threshold, context=self.context
        )


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    user: CurrentUser,
    period: Annotated[str, Query(max_length=7)] = "",
    unit: Key = "",
    stage: Key = "",
    touchpoint: Key = "",
) -> Response:
    texts = TEXTS.get(user.language, TEXTS["en"])
    errors: list[str] = []
    visible = visible_unit_ids(session, user)
    unit = unit or _own_unit(session, user, visible)
    if visible is not None and _unit_id(session, unit) not in visible:
        return layout.forbidden(request, user)
    try:
        chosen = parse_period(period) if period else _latest_month(session)
        scope = Scope(
            chosen,
            unit or None,
            stage or None,
            touchpoint or None,
            settings.anonymity_threshold,
            read_context(session),
        )
        context = _sections(session, user, scope, texts)
    except DomainError as error:
        errors.append(str(error))
        chosen = _latest_month(session)
        scope = Scope(chosen, None, None, None, settings.anonymity_threshold)
        context = {}
    names = read_names(session)
    counted = visible_counts(session, user)
    page = {
        "counts": {
            "customers": counted.customers,
            "events": counted.events,
            "sources": session.scalar(select(func.count()).select_from(Source)),
        },
        "ov": texts,
        "errors": errors,
        "scope": scope,
        "names": names,
        "units": list(session.scalars(select(Unit.key).order_by(Unit.key))),
        "periods": _period_choices(chosen),
        "heatmap_metrics": HEATMAP,
        "figure": figure,
        "interval": interval,
        "heat": heat_class,
        "reason": _reasons(user.language if user.language in TEXTS else "en"),
        **context,
    }
    return layout.render(
        request,
        user,
        "overview/overview.html",
        page,
        title=texts["title"],
        status_code=422 if errors else 200,
    )


def _sections(
    session: Session, user: SignedIn, scope: Scope, texts: dict[str, str]
) -> dict[str, Any]:
    names = read_names(session)
    headline = [(metric, scope.scores(session, metric).total) for metric in HEADLINE]
    return {
        "headline": [
            (metric, total) for metric, total in headline if total.estimate.n or total.previous
        ],
        "trend": _trend(session, scope, texts),
        "expectation": _expectation(session, scope, names, texts),
        "heatmap": _heatmap(session, scope, names),
        "moments": _moments(session, scope),
        "goals": _goals(session, scope),
        "stories": story_wall(
            session,
            WallRequest(
                unit=scope.unit,
                touchpoint=scope.touchpoint,
                days=90,
                per_group=1,
                candidates=OVERVIEW_STORY_CANDIDATES,
            ),
            now=utcnow(),
            visible_touchpoints=scoped_touchpoint_ids(session, user),
            visible_units=scoped_unit_ids(session, user),
        )[:6],
    }


def _trend(session: Session, scope: Scope, texts: dict[str, str]) -> Chart | None:
    first = _months_before(scope.period.last, TREND_MONTHS)
    result = scope.scores(session, "nps", ("month",), days=(first, scope.period.last))
    if result.total.estimate.n == 0:
        return None
    return _localised(
        trend_chart(result, id="chart-trend", title=texts["trend"], groups=result.groups),
        texts,
    )


def _expectation(
    session: Session, scope: Scope, names: Names, texts: dict[str, str]
) -> Chart | None:
    result = scope.scores(session, "expectation", ("stage",))
    if result.total.estimate.n == 0:
        return None
    chart = shares_chart(
        result,
        id="chart-expectation",
        title=texts["expectation"],
        groups=sorted(result.groups, key=names.stage_order),
        label=names.stage,
        key_columns=((texts["stage"], names.stage),),
    )
    return _localised(chart, texts)


@dataclass(frozen=True)
class HeatRow:
    stage: str
    touchpoint: str
    name: str
    cells: tuple[GroupResult | None, ...]


def _heatmap(session: Session, scope: Scope, names: Names) -> list[HeatRow]:
    """Stage × touchpoint: each touchpoint's scores, in the journey's order."""
    found: dict[str, dict[str, GroupResult]] = {}
    for metric in HEATMAP:
        for group in scope.scores(session, metric, ("stage", "touchpoint")).groups:
            found.setdefault(group.key["touchpoint"], {})[metric] = group
    rows = [
        HeatRow(
            stage=names.stage({"stage": key_of(found[tp])["stage"]}),
            touchpoint=tp,
            name=names.touchpoint({"touchpoint": tp}),
            cells=tuple(found[tp].get(metric) for metric in HEATMAP),
        )
        for tp in found
    ]
    order = names.touchpoints
    return sorted(rows, key=lambda row: order.get(row.touchpoint, (1 << 30, 0, row.touchpoint)))


def heat_class(metric: str, group: GroupResult | None) -> str:
    """heat-0 (worst) to heat-4 (best) by where the score lies in its range; CES is effort."""
    if group is None or group.estimate.value is None or group.estimate.withheld:
        return "heat-none"
    low, high = VALUE_RANGES.get(metric, (0.0, 100.0))
    place = (group.estimate.value - low) / (high - low)
    if metric == "ces":
        place = 1 - place
    return f"heat-{min(4, max(0, int(place * 5)))}"


def key_of(groups: dict[str, GroupResult]) -> dict[str, str]:
    return dict(next(iter(groups.values())).key)


def _moments(session: Session, scope: Scope) -> dict[str, Any] | None:
    """The moments of truth of the scope's unit (its subtree's answers only), or of all."""
    request = ReportRequest(scope.period, utcnow(), unit=scope.unit, threshold=scope.threshold)
    choice = driver_survey(session, request)
    if choice is None:
        return None
    survey, outcome = choice
    drivers = SurveyDriverQuery(
        survey,
        scope.period.first,
        scope.period.last,
        outcome=outcome,
        threshold=scope.threshold,
        unit=scope.unit,
    )
    try:
        # No bootstrap here: the page answers at once; the report and the API give intervals.
        return moments_of_truth(session, MomentsQuery(drivers=drivers, resamples=0))
    except DomainError:
        return None


def _reasons(language: str) -> Callable[[Mapping[str, Any]], str]:
    """A moment's reason in the overview's language."""

    def reason(moment: Mapping[str, Any]) -> str:
        return render_reason(moment["reason_code"], moment["reason_params"], language)

    return reason


def _goals(session: Session, scope: Scope) -> list[goals_service.GoalReport]:
    found = goals_service.list_goals(
        session, unit=scope.unit, overlapping=(scope.period.first, scope.period.last)
    )
    end = datetime.combine(scope.period.last + timedelta(days=1), time(), organisation_zone())
    return goals_service.goal_reports(
        session, found, now=min(utcnow(), end), threshold=scope.threshold
    )


def _localised(chart: Chart, texts: dict[str, str]) -> Chart:
    """The chart in the user's language, in the report's words for what the chart helpers
    write: column, metric and band names, decimal marks."""
    return localised(chart, REPORT_TEXTS.get(texts["language"], REPORT_TEXTS["en"]))


def _latest_month(session: Session) -> Period:
    """The latest month that has answers; this month when there are none."""
    found = dialect.run(
        session, "SELECT max(period_start) FROM metric_rollups WHERE grain = {p}", ("month",)
    )
    latest = found[0][0] if found and found[0][0] is not None else date.today()
    return parse_period(bucket(date.fromisoformat(str(latest)[:10]), "month"))


def _months_before(last: date, count: int) -> date:
    index = last.year * 12 + last.month - count
    return date(index // 12, index % 12 + 1, 1)


def _period_choices(chosen: Period) -> list[str]:
    months = [bucket(_months_before(chosen.last, n), "month") for n in range(12)]
    quarter = f"{chosen.first.year}-Q{(chosen.first.month - 1) // 3 + 1}"
    choices = [*months, quarter, str(chosen.first.year)]
    if chosen.label not in choices:
        choices.insert(0, chosen.label)
    return choices


def _own_unit(session: Session, user: SignedIn, visible: set[int] | None) -> str:
    """A user scoped to units sees the figures of the first of them, and may pick another."""
    if visible is None or not user.unit_ids:
        return ""
    key = session.scalar(select(Unit.key).where(Unit.id == user.unit_ids[0]))
    return key or ""


def _unit_id(session: Session, key: str) -> int | None:
    return session.scalar(select(Unit.id).where(Unit.key == key)) if key else None
