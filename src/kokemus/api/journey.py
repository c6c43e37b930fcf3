from typing import Any

from fastapi import APIRouter, Depends

from kokemus.api.deps import DbSession, ReadToken, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.journeys import service

router = APIRouter(
    prefix="/api/v1/journey",
    tags=["Journey"],
    responses=error_responses(401, 403, 422),
    dependencies=[Depends(known_query_only)],
)


@router.get("")
def get_journey(session: DbSession, _token: ReadToken) -> dict[str, Any]:
    """Stages, touchpoints and units, in the journey file's own shape."""
    return service.journey_document(session)


@router.get("/unmapped")
def get_unmapped(session: DbSession, _token: ReadToken) -> list[dict[str, Any]]:
    """Event names that no touchpoint claims, with how often they arrived."""
    return [
        {"name": row.name, "type": row.type, "count": row.count, "last_seen": row.last_seen}
        for row in service.unmapped(session)
    ]
