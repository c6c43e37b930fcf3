"""Responses as a table: CSV or XLSX, one row per complete response, free text redacted."""

import csv
import io
from collections.abc import Collection, Iterator
from typing import Any, Literal

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.journeys.models import Touchpoint, Unit
from kokemus.surveys.answers import expectation_band
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.models import Response, Survey
from kokemus.surveys.service import version_definition
from kokemus.text.pii import find_pii, redact

BASE_COLUMNS = (
    "response_id",
    "submitted_at",
    "survey_version",
    "channel",
    "language",
    "customer_id",
    "invitation_id",
    "event_id",
    "touchpoint",
    "unit",
)


def columns(definition: SurveyDefinition) -> list[str]:
    names = list(BASE_COLUMNS)
    for question in definition.questions:
        if question.type in ("multi_choice", "checklist"):
            names.extend(f"{question.key}.{key}" for key in question.option_keys())
        else:
            names.append(question.key)
            if question.type == "expectation":
                names.append(f"{question.key}.band")
    return names


def rows(
    session: Session,
    survey: Survey,
    definition: SurveyDefinition,
    *,
    unit_ids: Collection[int] | None = None,
) -> Iterator[dict[str, Any]]:
    """Complete responses as rows; of those units only, when `unit_ids` is given."""
    touchpoints = {
        row.id: row.key for row in session.execute(select(Touchpoint.id, Touchpoint.key))
    }
    units = {row.id: row.key for row in session.execute(select(Unit.id, Unit.key))}
    query = (
        select(Response)
        .where(Response.survey_id == survey.id, Response.complete)
        .order_by(Response.submitted_at, Response.id)
        .execution_options(yield_per=1000)
    )
    if unit_ids is not None:
        query = query.where(Response.unit_id.in_(unit_ids))
    for response in session.scalars(query):
        row: dict[str, Any] = {
            "response_id": response.id,
            "submitted_at": response.submitted_at.isoformat() if response.submitted_at else "",
            "survey_version": response.survey_version,
            "channel": response.channel,
            "language": response.language,
            "customer_id": response.customer_id,
            "invitation_id": response.invitation_id,
            "event_id": response.event_id,
            "touchpoint": touchpoints.get(response.touchpoint_id or 0, ""),
            "unit": units.get(response.unit_id or 0, ""),
        }
        answered = response.answers
        if response.survey_version != survey.published_version:
            # Older versions may lack later questions; their columns stay empty.
            definition_then = version_definition(session, survey, response.survey_version)
            known = {question.key for question in definition_then.questions}
            answered = {key: value for key, value in answered.items() if key in known}
        for question in definition.questions:
            value = answered.get(question.key)
            if question.type == "multi_choice":
                for key in question.option_keys():
                    row[f"{question.key}.{key}"] = "" if value is None else int(key in value)
            elif question.type == "checklist":
                for key in question.option_keys():
                    seen = value.get(key) if isinstance(value, dict) else None
                    row[f"{question.key}.{key}"] = "" if seen is None else ("yes" if seen else "no")
            elif question.type == "text" and isinstance(value, str):
                row[question.key] = redact(value, find_pii(value, response.language))
            else:
                row[question.key] = "" if value is None else value
                if question.type == "expectation":
                    row[f"{question.key}.band"] = (
                        expectation_band(value) if isinstance(value, int) else ""
                    )
        yield row


def export_responses(
    session: Session,
    survey: Survey,
    definition: SurveyDefinition,
    form: Literal["csv", "xlsx"],
    *,
    unit_ids: Collection[int] | None = None,
) -> bytes:
    names = columns(definition)
    if form == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore")
        writer.writeheader()
        for row in rows(session, survey, definition, unit_ids=unit_ids):
            writer.writerow({name: _safe_cell(row.get(name, "")) for name in names})
        # A byte-order mark so spreadsheet programs read the Finnish letters right.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(survey.key[:31])
    sheet.append(names)
    for row in rows(session, survey, definition, unit_ids=unit_ids):
        sheet.append([_safe_cell(row.get(name, "")) for name in names])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _safe_cell(value: Any) -> Any:
    """Respondents' text never starts a formula in the spreadsheet that opens the file."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
