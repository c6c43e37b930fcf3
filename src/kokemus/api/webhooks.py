"""/api/v1/webhooks: endpoints that hear of cases, signed per Standard Webhooks."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from kokemus.api.deps import AdminToken, AppDatabase, DbSession, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.webhooks import service

router = APIRouter(
    prefix="/api/v1/webhooks",
    tags=["Webhooks"],
    responses=error_responses(400, 401, 403, 404, 409, 422),
    dependencies=[Depends(known_query_only)],
)
Name = Annotated[str, Path(min_length=1, max_length=100)]
EventType = Literal[
    "case.opened", "case.status_changed", "case.escalated", "case.resolved", "alert.fired"
]


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=1, max_length=2000)
    format: Literal["standard", "slack", "teams"] = "standard"
    event_types: list[EventType] = Field(default=[], description="none: every event type")


@router.get("")
def list_endpoints(session: DbSession, _token: AdminToken) -> dict[str, Any]:
    return {"webhooks": [service.endpoint_view(e) for e in service.list_endpoints(session)]}


@router.post("", status_code=201)
def create_endpoint(body: EndpointIn, database: AppDatabase, _token: AdminToken) -> dict[str, Any]:
    """Add an endpoint; the answer carries its signing secret, shown only this once."""
    with database.write_transaction() as session:
        made = service.create_endpoint(
            session, body.name, body.url, format_=body.format, event_types=list(body.event_types)
        )
        return service.endpoint_view(made.endpoint) | {"secret": made.secret}


@router.get("/{name}/deliveries")
def list_deliveries(
    name: Name,
    session: DbSession,
    _token: AdminToken,
    limit: int = Query(default=50, ge=1, le=500),
) -> dict[str, Any]:
    """The delivery log, newest first: every message, its status and each attempt."""
    found = service.deliveries(session, name, limit)
    return {
        "deliveries": [service.delivery_view(d, service.attempts(session, d.id)) for d in found]
    }
