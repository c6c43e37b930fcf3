"""Customer pages: find one by email or phone, and one customer across every source."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kokemus.api.deps import AppSettings, DbSession
from kokemus.customers import service
from kokemus.customers.access import can_see_customer, customer_access
from kokemus.customers.feedback import customer_responses
from kokemus.customers.models import Customer
from kokemus.errors import InvalidInput, NotFound
from kokemus.web import layout
from kokemus.web.auth import CurrentUser

router = APIRouter(include_in_schema=False)

TIMELINE_PAGE = 25
QUERY_MAX_CHARS = 320
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/customers", response_class=HTMLResponse)
def search(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    user: CurrentUser,
    q: Annotated[str, Query(max_length=QUERY_MAX_CHARS)] = "",
) -> Response:
    ui = layout.texts(user)
    query = q.strip()
    found: Customer | None = None
    errors: list[str] = []
    if query:
        contact = {"email": query} if "@" in query else {"phone": query}
        try:
            found = service.find_by_contact(
                session, **contact, region=settings.default_phone_region
            )
        except InvalidInput as error:
            errors.append(str(error))
        except NotFound:
            found = None
        # Out of scope reads as unknown: a search must not tell who is a customer elsewhere.
        if found is not None and not can_see_customer(session, user, found.id):
            found = None
    context = {"query": query, "found": found, "errors": errors, "searched": bool(query)}
    status = 422 if errors else 200
    return layout.render(
        request,
        user,
        "customers/search.html",
        context,
        title=ui["search_title"],
        status_code=status,
    )


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(
    request: Request,
    customer_id: RowId,
    session: DbSession,
    user: CurrentUser,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    ui = layout.texts(user)
    try:
        customer = service.live_customer(session, customer_id)
    except NotFound as error:
        return layout.message(request, user, "not_found_title", str(error), 404)
    access = customer_access(session, user, customer.id)
    if not access.allowed:
        return layout.forbidden(request, user)
    if customer.id != customer_id:
        return RedirectResponse(f"/customers/{customer.id}", status_code=303)
    try:
        shown = service.profile(
            session,
            customer,
            limit=TIMELINE_PAGE,
            cursor=cursor,
            touchpoint_ids=access.touchpoint_ids,
        )
    except InvalidInput as error:
        return layout.message(request, user, "errors_title", str(error), 422)
    responses = customer_responses(
        session, customer.id, user.language, touchpoint_ids=access.touchpoint_ids
    )
    undone = [merge["id"] for merge in shown["merges"] if merge["undone_at"] is not None]
    next_cursor = shown["timeline"]["next_cursor"]
    context: dict[str, Any] = {
        "customer": shown,
        "traits": sorted(_flat_traits(shown["traits"]).items()),
        "responses": responses,
        "undone_by": service.who_undid(session, undone),
        "partial": access.touchpoint_ids is not None,
        "first_page": cursor is None,
        "older": f"?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
    }
    title = ui["customer_title"].format(id=customer.id)
    return layout.render(request, user, "customers/customer.html", context, title=title)


def _flat_traits(traits: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in traits.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat_traits(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = ", ".join(str(item) for item in value)
        else:
            flat[name] = "" if value is None else str(value)
    return flat
