from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from kokemus.api.deps import DbSession
from kokemus.customers.access import visible_counts
from kokemus.ingest.models import Source
from kokemus.journeys.service import journey_document
from kokemus.web import layout
from kokemus.web.auth import CurrentUser

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, user: CurrentUser) -> Response:
    visible = visible_counts(session, user)
    counts = {
        "customers": visible.customers,
        "events": visible.events,
        "sources": session.scalar(select(func.count()).select_from(Source)),
    }
    context = {"counts": counts, "journey": journey_document(session)}
    return layout.render(request, user, "home.html", context, title=layout.texts(user)["nav_home"])
