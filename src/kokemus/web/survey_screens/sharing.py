"""Sharing a survey: its link and QR code per touchpoint (and unit), and the widget snippet."""

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kokemus.api.deps import AppSettings, DbSession
from kokemus.surveys.models import Survey
from kokemus.surveys.qr import qr_code, survey_link
from kokemus.web.auth import CurrentUser
from kokemus.web.languages import LANGUAGE_NAMES
from kokemus.web.survey_screens.common import (
    SurveyId,
    find,
    page,
    screen_texts,
    touchpoints,
    units,
)

router = APIRouter(include_in_schema=False)

Key = Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9_\-]*$")]
# The image is drawn by the browser from this address only; nothing in it runs.
IMAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@router.get("/surveys/{survey_id}/share", response_class=HTMLResponse)
def share(
    request: Request,
    survey_id: SurveyId,
    session: DbSession,
    settings: AppSettings,
    user: CurrentUser,
    touchpoint: Key = "",
    unit: Key = "",
    lang: Annotated[str, Query(max_length=8)] = "",
) -> Response:
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    sx = screen_texts(user)
    known_touchpoints = touchpoints(session)
    known_units = units(session)
    errors = []
    if touchpoint and touchpoint not in dict(known_touchpoints):
        errors.append(sx["unknown_touchpoint"].format(key=touchpoint))
        touchpoint = ""
    if unit and unit not in dict(known_units):
        errors.append(sx["unknown_unit"].format(key=unit))
        unit = ""
    chosen = touchpoint or str(survey.definition.get("touchpoint") or "")
    languages = list(survey.definition.get("languages", []))
    language = lang if lang in languages else (languages[0] if languages else "fi")
    place = {"touchpoint": chosen or None, "unit": unit or None}
    given = {name: found for name, found in place.items() if found}

    def image(form: str, **more: str) -> str:
        query = urlencode({**given, **more})
        return f"/surveys/{survey.id}/qr.{form}" + (f"?{query}" if query else "")

    context = {
        "touchpoints": known_touchpoints,
        "units": known_units,
        "chosen": {"touchpoint": chosen, "unit": unit, "lang": language},
        "languages": languages,
        "language_names": LANGUAGE_NAMES,
        "qr_link": survey_link(settings.public_url, survey, via="qr", **place),
        "plain_link": survey_link(settings.public_url, survey, via="link", **place),
        "images": {
            "inline": image("svg"),
            "svg": image("svg", download="1"),
            "png": image("png", download="1"),
        },
        "snippet": widget_snippet(settings.public_url, survey, language=language, **place),
        "published": survey.status == "published",
        "errors": errors,
    }
    status = 422 if errors else 200
    return page(
        request,
        user,
        survey,
        "survey_screens/share.html",
        context,
        section="share",
        status_code=status,
    )


def widget_snippet(
    public_url: str,
    survey: Survey,
    *,
    language: str,
    touchpoint: str | None = None,
    unit: str | None = None,
) -> str:
    """The script tag for another site; every value in it is a checked key or the public id."""
    base = public_url.rstrip("/")
    parts = [f'<script src="{base}/static/widget.js" data-survey="{survey.public_id}"']
    if touchpoint:
        parts.append(f'data-touchpoint="{touchpoint}"')
    if unit:
        parts.append(f'data-unit="{unit}"')
    parts.append(f'data-lang="{language}" async></script>')
    return " ".join(parts)


@router.get("/surveys/{survey_id}/qr.{form}")
def qr_image(
    request: Request,
    survey_id: SurveyId,
    form: Literal["svg", "png"],
    session: DbSession,
    settings: AppSettings,
    user: CurrentUser,
    touchpoint: Key = "",
    unit: Key = "",
    download: Annotated[bool, Query()] = False,
) -> Response:
    survey = find(request, session, user, survey_id)
    if isinstance(survey, Response):
        return survey
    known_touchpoints = dict(touchpoints(session))
    if (touchpoint and touchpoint not in known_touchpoints) or (
        unit and unit not in dict(units(session))
    ):
        return Response(status_code=404)
    link = survey_link(
        settings.public_url, survey, via="qr", touchpoint=touchpoint or None, unit=unit or None
    )
    headers = dict(IMAGE_HEADERS)
    if download:
        name = "-".join(part for part in (survey.key, touchpoint, unit, "qr") if part)
        headers["Content-Disposition"] = f'attachment; filename="{name}.{form}"'
    kind = "image/svg+xml" if form == "svg" else "image/png"
    return Response(qr_code(link, form), media_type=kind, headers=headers)
