from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from kokemus.api.deps import DbSession
from kokemus.customers.models import Customer
from kokemus.ingest.models import Event, Source
from kokemus.journeys.service import journey_document
from kokemus.web import layout
from kokemus.web.auth import CurrentUser

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, user: CurrentUser) -> Response:
    counts = {
        "customers": session.scalar(
            select(func.count()).select_from(Customer).where(Customer.merged_into_id.is_(None))
        ),
        "events": session.scalar(select(func.count()).select_from(Event)),
        "sources": session.scalar(select(func.count()).select_from(Source)),
    }
    context = {"counts": counts, "journey": journey_document(session)}
    return layout.render(request, user, "home.html", context, title=layout.texts(user)["nav_home"])
