"""The journey map page: stages × touchpoints, and for admins, loading a new map."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
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

router = APIRouter(include_in_schema=False)

MAX_FILE_BYTES = 1_000_000
MAX_UNMAPPED = 50


@router.get("/journey", response_class=HTMLResponse)
def journey_page(request: Request, database: AppDatabase, user: CurrentUser) -> Response:
    return _page(request, database, user)


@router.post("/journey", response_class=HTMLResponse)
async def upload_journey(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Annotated[str, Form()] = "",
    text: Annotated[str, Form(max_length=MAX_FILE_BYTES)] = "",
    document: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if denied := layout.admin_only(request, user) or layout.refused_form(request, user, csrf):
        return denied
    ui = layout.texts(user)
    written = text
    if document is not None and document.filename:
        raw = await document.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            return _page(request, database, user, errors=["(file): larger than 1 MB"], draft="")
        try:
            written = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _page(request, database, user, errors=["(file): not UTF-8 text"], draft="")
    if not written.strip():
        return _page(request, database, user, errors=[ui["journey_empty"]], draft="")
    try:
        spec = service.parse_journey(written)
    except JourneyFileError as error:
        return _page(request, database, user, errors=error.problems, draft=written)
    with database.write_transaction() as session:
        summary = service.load_journey(session, spec, written)
        details = {
            "name": spec.name,
            "stages": summary.stages,
            "touchpoints": summary.touchpoints,
            "units": summary.units,
            "events_mapped": summary.events_mapped,
        }
        record(
            session,
            "journey.load",
            actor=layout.actor(request, user, settings),
            target=spec.name,
            details=details,
        )
    notice = ui["journey_loaded"].format(
        name=spec.name,
        stages=summary.stages,
        touchpoints=summary.touchpoints,
        units=summary.units,
        events=summary.events_mapped,
    )
    return _page(request, database, user, notice=notice)


def _page(
    request: Request,
    database: Database,
    user: SignedIn,
    *,
    errors: list[str] | None = None,
    draft: str = "",
    notice: str | None = None,
) -> Response:
    with database.transaction() as session:
        document = service.journey_document(session)
        unit_names: dict[str, str] = dict(session.execute(select(Unit.key, Unit.name)).all())
        unmapped = service.unmapped(session)[:MAX_UNMAPPED] if user.role == "admin" else []
    context = {
        "journey": document,
        "unit_names": unit_names,
        "errors": errors or [],
        "draft": draft,
        "notice": notice,
        "can_edit": user.role == "admin",
        "unmapped": unmapped,
    }
    title = layout.texts(user)["journey_title"]
    status = 422 if errors else 200
    return layout.render(
        request, user, "journey/map.html", context, title=title, status_code=status
    )
