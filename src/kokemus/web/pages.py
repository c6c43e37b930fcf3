from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from kokemus.api.deps import DbSession
from kokemus.customers.models import Customer
from kokemus.ingest.models import Event, Source
from kokemus.journeys.service import journey_document
from kokemus.web.auth import CurrentUser
from kokemus.web.auth_texts import TEXTS

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, user: CurrentUser) -> Any:
    counts = {
        "customers": session.scalar(
            select(func.count()).select_from(Customer).where(Customer.merged_into_id.is_(None))
        ),
        "events": session.scalar(select(func.count()).select_from(Event)),
        "sources": session.scalar(select(func.count()).select_from(Source)),
    }
    return templates.TemplateResponse(
        request,
        "home.html",
        {
            "counts": counts,
            "journey": journey_document(session),
            "user": user,
            "ui": TEXTS[user.language],
        },
    )
