"""The journey map editor: stages and touchpoints edited in one form, saved as a new map.

The form is read back into the map file's shape and loaded like an uploaded file, so the
same checks apply, every save is kept as a journey version, and units stay as they are.
"""

from collections.abc import Mapping
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings
from kokemus.audit.service import record
from kokemus.journeys import service
from kokemus.journeys.errors import JourneyFileError
from kokemus.journeys.models import Unit
from kokemus.store import Database
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.journey_editor_texts import TEXTS

router = APIRouter(include_in_schema=False)

MAX_STAGES = 50
MAX_TOUCHPOINTS = 100  # per stage
MAX_FIELDS = 20_000
TOUCHPOINT_FIELDS = ("key", "name", "encounter_kind", "channel", "channel_class", "owner")


@router.get("/journey/edit", response_class=HTMLResponse)
def editor(request: Request, database: AppDatabase, user: CurrentUser) -> Response:
    if denied := layout.admin_only(request, user):
        return denied
    with database.transaction() as session:
        document = service.journey_document(session)
    return _page(request, database, user, document)


@router.post("/journey/edit", response_class=HTMLResponse)
async def save(
    request: Request, database: AppDatabase, settings: AppSettings, user: CurrentUser
) -> Response:
    if denied := layout.admin_only(request, user):
        return denied
    form = await request.form(max_fields=MAX_FIELDS)
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    if denied := layout.refused_form(request, user, fields.get("csrf", "")):
        return denied
    with database.transaction() as session:
        current = service.journey_document(session)
    document = document_from_form(fields, current)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    try:
        spec = service.parse_journey(text)
    except JourneyFileError as error:
        return _page(request, database, user, document, errors=error.problems)
    with database.write_transaction() as session:
        summary = service.load_journey(session, spec, text)
        record(
            session,
            "journey.edit",
            actor=layout.actor(request, user, settings),
            target=spec.name,
            details={"stages": summary.stages, "touchpoints": summary.touchpoints},
        )
    return RedirectResponse("/journey", status_code=303)


def document_from_form(fields: Mapping[str, str], current: Mapping[str, Any]) -> dict[str, Any]:
    """The map file the form describes; rows marked for removal and blank new rows dropped."""
    stages = []
    for i in range(MAX_STAGES + 1):
        prefix = f"stage-{i}-"
        if prefix + "key" not in fields:
            continue
        key = fields[prefix + "key"].strip()
        if not key or fields.get(prefix + "remove"):
            continue
        stage: dict[str, Any] = {"key": key, "name": fields.get(prefix + "name", "").strip()}
        if description := fields.get(prefix + "description", "").strip():
            stage["description"] = description
        stage["touchpoints"] = _touchpoints(fields, i)
        stages.append((_position(fields.get(prefix + "position"), i), stage))
    return {
        "name": fields.get("name", "").strip() or current.get("name", ""),
        "units": current.get("units", []),
        "stages": [stage for _, stage in sorted(stages, key=lambda pair: pair[0])],
    }


def _touchpoints(fields: Mapping[str, str], stage: int) -> list[dict[str, Any]]:
    found = []
    for j in range(MAX_TOUCHPOINTS + 1):
        prefix = f"tp-{stage}-{j}-"
        key = fields.get(prefix + "key", "").strip()
        if not key or fields.get(prefix + "remove"):
            continue
        touchpoint: dict[str, Any] = {
            name: fields.get(prefix + name, "").strip() for name in TOUCHPOINT_FIELDS
        }
        if not touchpoint["owner"]:
            del touchpoint["owner"]
        if description := fields.get(prefix + "description", "").strip():
            touchpoint["description"] = description
        touchpoint["events"] = [
            name.strip() for name in fields.get(prefix + "events", "").split("\n") if name.strip()
        ]
        found.append((_position(fields.get(prefix + "position"), j), touchpoint))
    return [touchpoint for _, touchpoint in sorted(found, key=lambda pair: pair[0])]


def _position(value: str | None, default: int) -> float:
    """Where a row goes: its number if one was given, else where it stood (ties keep order)."""
    try:
        return float(value) if value and value.strip() else float(default + 1)
    except ValueError:
        return float(default + 1)


def _page(
    request: Request,
    database: Database,
    user: SignedIn,
    document: Mapping[str, Any],
    *,
    errors: list[str] | None = None,
) -> Response:
    with database.transaction() as session:
        units = [(row.key, row.name) for row in session.execute(select(Unit.key, Unit.name))]
    texts = TEXTS.get(user.language, TEXTS["en"])
    context = {"je": texts, "journey": document, "units": units, "errors": errors or []}
    return layout.render(
        request,
        user,
        "journey/editor.html",
        context,
        title=texts["title"],
        status_code=422 if errors else 200,
    )
