from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from kokemus.api.deps import AppSettings, DbSession, ReadToken, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.errors import InvalidInput
from kokemus.metrics.breakdown import BreakdownQuery, Filters
from kokemus.metrics.definitions import MetricName
from kokemus.metrics.dimensions import attribute_name, parse_group_by
from kokemus.metrics.service import breakdown, result_view

DAY = r"^\d{4}-\d{2}-\d{2}$"
router = APIRouter(
    prefix="/api/v1/metrics",
    tags=["Metrics"],
    responses=error_responses(401, 403, 422),
    dependencies=[Depends(known_query_only)],
)


def _day(value: str | None, field_name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field_name, f"{value!r} is not a day (YYYY-MM-DD)") from None


def _attributes(values: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        name, separator, wanted = value.partition(":")
        if not separator:
            raise InvalidInput("attribute", f"{value!r}: give NAME:VALUE")
        found[attribute_name(name, "attribute")] = wanted
    return found


@router.get("/{metric}")
def metric_breakdown(
    metric: MetricName,
    session: DbSession,
    settings: AppSettings,
    _token: ReadToken,
    group_by: str | None = Query(
        default=None,
        max_length=400,
        description="comma-separated: day|week|month|quarter|year, stage, touchpoint, "
        "encounter_kind, channel, channel_class, unit, response_channel, language, theme, "
        "survey, question, attribute:NAME",
    ),
    from_: Annotated[
        str | None, Query(alias="from", pattern=DAY, description="first local day, YYYY-MM-DD")
    ] = None,
    to: Annotated[
        str | None, Query(pattern=DAY, description="last local day (included), YYYY-MM-DD")
    ] = None,
    compare: Annotated[bool, Query(description="compare with the previous period")] = False,
    kind: Literal["customer", "employee", "audit"] | None = None,
    touchpoint: Annotated[list[str] | None, Query(max_length=64)] = None,
    stage: Annotated[list[str] | None, Query(max_length=64)] = None,
    encounter_kind: Annotated[list[str] | None, Query(max_length=64)] = None,
    channel: Annotated[list[str] | None, Query(max_length=64)] = None,
    channel_class: Annotated[list[str] | None, Query(max_length=64)] = None,
    unit: str | None = Query(default=None, max_length=64, description="unit key, with its subtree"),
    response_channel: Annotated[list[str] | None, Query(max_length=64)] = None,
    language: Annotated[list[str] | None, Query(max_length=64)] = None,
    survey: Annotated[list[str] | None, Query(max_length=64)] = None,
    question: Annotated[list[str] | None, Query(max_length=64)] = None,
    theme: str | None = Query(default=None, max_length=64),
    attribute: Annotated[list[str] | None, Query(max_length=200, description="NAME:VALUE")] = None,
) -> dict[str, Any]:
    """A metric with its n and 95% interval, broken down; employee groups under the
    anonymity threshold are withheld."""
    last = _day(to, "to") or date.today()
    first = _day(from_, "from") or (last - timedelta(days=364))
    query = BreakdownQuery(
        metric,
        first,
        last,
        parse_group_by(group_by),
        Filters(
            touchpoint=tuple(touchpoint or ()),
            stage=tuple(stage or ()),
            encounter_kind=tuple(encounter_kind or ()),
            channel=tuple(channel or ()),
            channel_class=tuple(channel_class or ()),
            unit=unit,
            response_channel=tuple(response_channel or ()),
            language=tuple(language or ()),
            survey=tuple(survey or ()),
            question=tuple(question or ()),
            theme=theme,
            attributes=_attributes(attribute or []),
            kind=kind,
        ),
    )
    result = breakdown(
        session, query, with_previous=compare, threshold=settings.anonymity_threshold
    )
    return result_view(result)
