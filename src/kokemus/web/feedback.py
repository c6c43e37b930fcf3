"""The feedback explorer: comments as analysed, filtered and searched; labels corrected."""

import re
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings, DbSession
from kokemus.audit.service import record
from kokemus.customers.access import scoped_touchpoint_ids, scoped_unit_ids
from kokemus.enrich.corrections import correct_labels, known_themes
from kokemus.enrich.explorer import FeedbackFilters, search_feedback
from kokemus.enrich.models import TextAnalysisRecord
from kokemus.errors import DomainError
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.surveys.models import Response as SurveyResponse
from kokemus.text.sentiment import LABELS
from kokemus.text.themes import default_taxonomy
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.feedback_texts import TEXTS

router = APIRouter(include_in_schema=False)

CORRECTING_ROLES = ("admin", "analyst", "manager")
DAY = r"^\d{4}-\d{2}-\d{2}$"
Key = Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9_\-]*$")]
Day = Annotated[str, Query(max_length=10)]
RowId = Annotated[int, Path(ge=1, le=2**62)]


def feedback_texts(user: SignedIn) -> dict[str, str]:
    return TEXTS.get(user.language, TEXTS["en"])


@router.get("/feedback", response_class=HTMLResponse)
def explorer(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    from_: Annotated[str, Query(alias="from", max_length=10)] = "",
    to: Day = "",
    touchpoint: Key = "",
    unit: Key = "",
    sentiment: Annotated[Literal["", "negative", "neutral", "positive", "mixed"], Query()] = "",
    theme: Key = "",
    language: Annotated[Literal["", "fi", "sv", "en"], Query()] = "",
    score: Annotated[Literal["", "low", "middle", "high"], Query()] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    saved: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> Response:
    texts = feedback_texts(user)
    errors: list[str] = []
    first = _day(from_, "from", texts, errors)
    last = _day(to, "to", texts, errors)
    filters = FeedbackFilters(
        first=first,
        last=last,
        touchpoint=touchpoint or None,
        unit=unit or None,
        sentiment=sentiment or None,
        theme=theme or None,
        language=language or None,
        score=score or None,
        search=q.strip() or None,
    )
    page = None
    if not errors:
        try:
            page = search_feedback(
                session,
                filters,
                visible_touchpoints=scoped_touchpoint_ids(session, user),
                visible_units=scoped_unit_ids(session, user),
                before=before,
            )
        except DomainError as error:
            errors.append(str(error))
    touchpoints, units = _touchpoints(session), _units(session)
    chosen = {
        "from": from_,
        "to": to,
        "touchpoint": touchpoint,
        "unit": unit,
        "sentiment": sentiment,
        "theme": theme,
        "language": language,
        "score": score,
        "q": q,
    }
    kept = {name: value for name, value in chosen.items() if value}
    context = {
        "ft": texts,
        "errors": errors,
        "chosen": chosen,
        "page": page,
        "touchpoints": touchpoints,
        "units": units,
        "unit_names": dict(units),
        "touchpoint_names": dict(touchpoints),
        "themes": _theme_labels(user.language),
        "theme_names": dict(_theme_labels(user.language)),
        "labels": LABELS,
        "can_correct": user.role in CORRECTING_ROLES,
        # A partner sees what was said at its touchpoints, not who said it.
        "can_open_customers": user.role != "partner",
        "saved": saved,
        "here": "/feedback?" + urlencode({**kept, **({"before": before} if before else {})}),
        "older": (
            "/feedback?" + urlencode({**kept, "before": page.next_before})
            if page is not None and page.next_before
            else None
        ),
    }
    return layout.render(
        request,
        user,
        "feedback/explorer.html",
        context,
        title=texts["title"],
        status_code=422 if errors else 200,
    )


@router.post("/feedback/{analysis_id}/labels", response_class=HTMLResponse)
def save_labels(
    request: Request,
    analysis_id: RowId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Annotated[str, Form(max_length=200)] = "",
    sentiment: Annotated[str, Form(max_length=16)] = "",
    themes: Annotated[list[str] | None, Form(max_length=64)] = None,
    back: Annotated[str, Form(max_length=2000)] = "/feedback",
) -> Response:
    if denied := layout.refused_form(request, user, csrf):
        return denied
    if user.role not in CORRECTING_ROLES:
        return layout.forbidden(request, user)
    with database.write_transaction() as session:
        analysis = session.get(TextAnalysisRecord, analysis_id)
        if analysis is None or not _may_see(session, user, analysis):
            return layout.message(request, user, "not_found_title", "", 404)
        before = {"sentiment": analysis.sentiment, "themes": list(analysis.themes)}
        try:
            corrected = correct_labels(
                session,
                analysis_id,
                sentiment=sentiment or None,
                themes=themes or [],
                user_id=user.user_id,
            )
        except DomainError as error:
            return layout.message(request, user, "errors_title", str(error), error.status_code)
        record(
            session,
            "text.correct",
            actor=layout.actor(request, user, settings),
            target=str(analysis_id),
            details={
                "before": before,
                "after": {"sentiment": corrected.sentiment, "themes": list(corrected.themes)},
            },
        )
    target = back if back.startswith("/feedback") and "//" not in back else "/feedback"
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}saved={analysis_id}", status_code=303)


def _day(value: str, field: str, texts: dict[str, str], errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        if re.match(DAY, value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors.append(texts["bad_day"].format(field=field, value=value))
    return None


def _units(session: DbSession) -> list[tuple[str, str]]:
    return [
        (row.key, row.name)
        for row in session.execute(select(Unit.key, Unit.name).order_by(Unit.name))
    ]


def _touchpoints(session: DbSession) -> list[tuple[str, str]]:
    return [
        (row.key, row.name)
        for row in session.execute(
            select(Touchpoint.key, Touchpoint.name).order_by(Touchpoint.position)
        )
    ]


def _theme_labels(language: str) -> list[tuple[str, str]]:
    labels = default_taxonomy().labels
    return [
        (theme, labels[theme].get(language) or labels[theme].get("en") or theme)
        for theme in known_themes()
    ]


def _may_see(session: Session, user: SignedIn, analysis: TextAnalysisRecord) -> bool:
    """Told at one of the user's touchpoints, or answered for one of their units."""
    touchpoints = scoped_touchpoint_ids(session, user)
    if touchpoints is None or analysis.touchpoint_id in touchpoints:
        return True
    units = scoped_unit_ids(session, user) or frozenset()
    unit = session.scalar(
        select(SurveyResponse.unit_id).where(SurveyResponse.id == analysis.response_id)
    )
    return unit is not None and unit in units
