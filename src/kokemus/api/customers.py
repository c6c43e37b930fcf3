from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import RedirectResponse

from kokemus.api.deps import AdminToken, AppSettings, DbSession, ReadToken, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.customers import service
from kokemus.customers.models import Customer

router = APIRouter(
    prefix="/api/v1/customers",
    tags=["Customers"],
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[Depends(known_query_only)],
)

RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Limit = Query(default=50, ge=1, le=service.MAX_PAGE, description="Timeline events per page")
CursorParam = Query(default=None, description="next_cursor from the previous page")


@router.get("")
def find_customer(
    session: DbSession,
    settings: AppSettings,
    _token: ReadToken,
    email: str | None = None,
    phone: str | None = None,
    limit: int = Limit,
    cursor: str | None = CursorParam,
) -> dict[str, Any]:
    """The customer known by this email or phone, with identities and timeline."""
    customer = service.find_by_contact(
        session, email=email, phone=phone, region=settings.default_phone_region
    )
    return service.profile(session, customer, limit=limit, cursor=cursor)


@router.get(
    "/{customer_id}",
    response_model=None,
    responses={308: {"description": "The customer was merged into another: follow Location"}},
)
def get_customer(
    customer_id: RowId,
    session: DbSession,
    _token: ReadToken,
    limit: int = Limit,
    cursor: str | None = CursorParam,
) -> dict[str, Any] | RedirectResponse:
    """Profile, identities and a timeline of events from all sources, newest first."""
    customer: Customer = service.live_customer(session, customer_id)
    if customer.id != customer_id:
        return RedirectResponse(f"/api/v1/customers/{customer.id}", status_code=308)
    return service.profile(session, customer, limit=limit, cursor=cursor)


@router.post("/merges/{merge_id}/undo")
def undo_merge(
    merge_id: RowId, session: DbSession, token: AdminToken, reason: str = Query(min_length=1)
) -> dict[str, Any]:
    """Separate two customers a merge joined; they are not merged automatically again."""
    undone = service.unmerge(session, merge_id, reason, via=f"API token {token.name}")
    return service.merge_view(undone)
