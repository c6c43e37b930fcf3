"""/api/v1/cases: the closed loop. Callers are API tokens (which see every case) or
signed-in users, whose role and units decide what they see and may do; a user's writes
carry the session's CSRF token in the X-CSRF-Token header."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts import sessions
from kokemus.accounts.service import Forbidden, Unauthorized, authenticate, note_use, use_is_stale
from kokemus.api.deps import AppDatabase, AppSettings, Credentials, DbSession, known_query_only
from kokemus.api.schemas import error_responses
from kokemus.cases import claims, recovery, root_causes, service, views
from kokemus.cases.access import Viewer, require_staff, token_viewer, user_viewer
from kokemus.cases.context import CaseContext
from kokemus.cases.errors import NotAllowed
from kokemus.cases.models import STATUSES, Case
from kokemus.customers.models import Customer
from kokemus.errors import InvalidInput
from kokemus.journeys.models import Touchpoint
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.web.auth import SESSION_COOKIE

router = APIRouter(
    prefix="/api/v1/cases",
    tags=["Cases"],
    responses=error_responses(400, 401, 403, 404, 409, 422),
    dependencies=[Depends(known_query_only)],
)
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Field(min_length=1, max_length=service.TEXT_CHARS)]
Key = Annotated[str, Field(min_length=1, max_length=64)]
Status = Literal[
    "new", "investigating", "waiting_partner", "customer_informed", "resolved", "closed", "reopened"
]
Priority = Literal["low", "normal", "high", "urgent"]
assert set(Status.__args__) == set(STATUSES)  # type: ignore[attr-defined]


def write_session(database: AppDatabase) -> Iterator[Session]:
    """A request that writes: on SQLite its writers take turns instead of colliding."""
    with database.write_transaction() as session:
        yield session


WriteSession = Annotated[Session, Depends(write_session)]


def _resolve(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    csrf: str | None,
    session: Session,
    database: Database | None,
    scope: str,
) -> Viewer:
    """`database` is given to a reader, whose rare writes (when a token or session was last
    used) go apart; a writer's session takes them itself."""

    @contextmanager
    def writing() -> Iterator[Session]:
        if database is None:
            yield session
            return
        with database.write_transaction() as apart:
            yield apart

    if credentials is not None:
        token = authenticate(session, credentials.credentials, scope)
        if use_is_stale(token):
            with writing() as written:
                note_use(written, token.id)
        return token_viewer(token.name)
    cookie = request.cookies.get(SESSION_COOKIE)
    user = sessions.lookup(session, cookie) if cookie else None
    if user is None:
        raise Unauthorized("send an API token as 'Authorization: Bearer TOKEN', or sign in")
    if scope != "read" and csrf != user.csrf_token:
        raise Forbidden("send the session's CSRF token in the X-CSRF-Token header")
    if sessions.seen_is_stale(user):
        with writing() as written:
            sessions.note_seen(written, user.session_id)
    return user_viewer(user, request.client.host if request.client else None)


CsrfHeader = Annotated[str | None, Header(alias="X-CSRF-Token", include_in_schema=False)]


def reader(
    request: Request,
    credentials: Credentials,
    session: DbSession,
    database: AppDatabase,
    csrf: CsrfHeader = None,
) -> Viewer:
    return _resolve(request, credentials, csrf, session, database, "read")


def writer(
    request: Request, credentials: Credentials, session: WriteSession, csrf: CsrfHeader = None
) -> Viewer:
    return _resolve(request, credentials, csrf, session, None, "write")


Reader = Annotated[Viewer, Depends(reader)]
Writer = Annotated[Viewer, Depends(writer)]


def _ctx(session: Session, settings: AppSettings, viewer: Viewer) -> CaseContext:
    return CaseContext(session, viewer, utcnow(), settings.public_url)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def no_nul(cls, data: Any) -> Any:
        """PostgreSQL stores no NUL character in text: refuse it here, naming the field."""
        if isinstance(data, dict):
            for name, value in data.items():
                if _has_nul(value):
                    raise ValueError(f"{name}: a NUL character is not allowed")
        return data


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("give a time zone (for example 2026-10-01T12:00:00+03:00)")
    return value


Amount = Annotated[str, Field(pattern=r"^\d{1,10}(\.\d{1,4})?$", description="like 49.90")]
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217, like EUR")]


class ClaimIn(Strict):
    amount: Amount | None = None
    currency: Currency | None = None
    order: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500, description="kept only as a key")
    payment: str | None = Field(default=None, max_length=200, description="kept only as a key")
    delivered_at: datetime | None = None

    _aware = field_validator("delivered_at")(_aware)

    def facts(self) -> claims.ClaimInput:
        return claims.ClaimInput(
            amount=self.amount,
            currency=self.currency,
            order_ref=self.order,
            address=self.address,
            payment=self.payment,
            delivered_at=self.delivered_at,
        )


class CaseIn(Strict):
    reason: str = Field(min_length=1, max_length=300)
    priority: Priority = "normal"
    customer_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    touchpoint: Key | None = Field(default=None, description="its owner unit owns the case")
    owner_unit: Key | None = None
    sla_hours: int | None = Field(default=None, ge=1, le=24 * 365)
    follow_up_survey: Key | None = None
    follow_up_after_hours: int = Field(default=24, ge=0, le=24 * 90)
    claim: ClaimIn | None = Field(default=None, description="a compensation claim: its risk")


@router.get("")
def list_cases(
    session: DbSession,
    settings: AppSettings,
    viewer: Reader,
    status: Status | None = None,
    owner_unit: str | None = Query(default=None, max_length=64),
    assignee: str | None = Query(default=None, max_length=254, description="user email"),
    customer_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
    breached: bool | None = Query(default=None, description="past the SLA and not resolved"),
    after: int = Query(default=0, ge=0, le=2**31 - 1, description="last id of the previous page"),
    limit: int = Query(default=50, ge=1, le=service.MAX_PAGE),
) -> dict[str, Any]:
    """Cases the caller may see, oldest first."""
    ctx = _ctx(session, settings, viewer)
    filters = service.Filters(status, owner_unit, assignee, customer_id, breached, after, limit)
    found = service.list_cases(ctx, filters)
    return {
        "cases": [views.summary(session, case) for case in found],
        "next_after": found[-1].id if len(found) == limit else None,
    }


@router.post("", status_code=201)
def open_case(
    body: CaseIn, session: WriteSession, settings: AppSettings, viewer: Writer
) -> dict[str, Any]:
    """Open a case by hand (rules open theirs themselves)."""
    ctx = _ctx(session, settings, viewer)
    if body.customer_id is not None and session.get(Customer, body.customer_id) is None:
        raise InvalidInput("customer_id", f"no customer {body.customer_id}")
    touchpoint_id = None
    if body.touchpoint is not None:
        touchpoint_id = session.scalar(
            select(Touchpoint.id).where(Touchpoint.key == body.touchpoint)
        )
        if touchpoint_id is None:
            raise InvalidInput("touchpoint", f"{body.touchpoint!r} is not a touchpoint")
    owner = service.unit_id(session, body.owner_unit, "owner_unit") if body.owner_unit else None
    opening = service.Opening(
        reason=body.reason,
        priority=body.priority,
        customer_id=body.customer_id,
        touchpoint_id=touchpoint_id,
        owner_unit_id=owner,
        sla_minutes=body.sla_hours * 60 if body.sla_hours else None,
        follow_up_survey=body.follow_up_survey,
        follow_up_minutes=body.follow_up_after_hours * 60,
    )
    case = service.open_case(ctx, opening)
    if body.claim is not None:
        claims.record_claim(ctx, case, body.claim.facts())
    return service.show(ctx, case)


@router.get("/root-causes")
def list_root_causes(database: AppDatabase, _viewer: Reader) -> dict[str, Any]:
    """The organisation's root-cause taxonomy (`kokemus cases root-causes load FILE`)."""
    # Apart from the request's reading session: the first call stores the shipped taxonomy.
    with database.write_transaction() as session:
        causes = [{"key": c.key, "names": c.names} for c in root_causes.listed(session)]
    return {"root_causes": causes}


@router.get("/recovery")
def recovery_metric(
    session: DbSession,
    viewer: Reader,
    days: int = Query(default=90, ge=1, le=3650, description="cases resolved in the last days"),
) -> dict[str, Any]:
    """Share of customers whose later score recovered after their case was resolved."""
    if viewer.is_partner:
        raise NotAllowed("a partner user cannot see the organisation's recovery")
    until = utcnow()
    return recovery.recovery(session, until - timedelta(days=days), until).view()


def _case(ctx: CaseContext, case_id: int) -> Case:
    return service.get_case(ctx, case_id)


@router.get("/{case_id:int}")
def get_case(
    case_id: RowId, session: DbSession, settings: AppSettings, viewer: Reader
) -> dict[str, Any]:
    """The case with its signals, contact log, claim and timeline (partners: what they need)."""
    ctx = _ctx(session, settings, viewer)
    return service.show(ctx, _case(ctx, case_id))


class CaseUpdate(Strict):
    priority: Priority | None = None
    assignee: str | None = Field(default=None, max_length=254, description="email; '' unassigns")
    owner_unit: Key | None = None


@router.patch("/{case_id:int}")
def update_case(
    case_id: RowId, body: CaseUpdate, session: WriteSession, settings: AppSettings, viewer: Writer
) -> dict[str, Any]:
    ctx = _ctx(session, settings, viewer)
    case = _case(ctx, case_id)
    if body.priority is None and body.assignee is None and body.owner_unit is None:
        raise InvalidInput("priority", "give priority, assignee or owner_unit")
    if body.priority is not None:
        service.set_priority(ctx, case, body.priority)
    if body.assignee is not None or body.owner_unit is not None:
        service.assign(ctx, case, body.assignee, body.owner_unit)
    return service.show(ctx, case)


class TransitionIn(Strict):
    to: Status
    note: str | None = Field(default=None, max_length=service.TEXT_CHARS)
    waiting_unit: Key | None = Field(default=None, description="the partner, for waiting_partner")


@router.post("/{case_id:int}/transitions")
def transition(
    case_id: RowId, body: TransitionIn, session: WriteSession, settings: AppSettings, viewer: Writer
) -> dict[str, Any]:
    """Change the status; 409 names what is missing (a contact, a root cause...)."""
    ctx = _ctx(session, settings, viewer)
    case = _case(ctx, case_id)
    service.transition(ctx, case, body.to, note=body.note, waiting_unit=body.waiting_unit)
    return service.show(ctx, case)


class RootCauseIn(Strict):
    key: Key
    note: str | None = Field(default=None, max_length=service.TEXT_CHARS)


@router.post("/{case_id:int}/root-cause")
def set_root_cause(
    case_id: RowId, body: RootCauseIn, session: WriteSession, settings: AppSettings, viewer: Writer
) -> dict[str, Any]:
    ctx = _ctx(session, settings, viewer)
    case = _case(ctx, case_id)
    service.set_root_cause(ctx, case, body.key, body.note)
    return service.show(ctx, case)


class ResolutionIn(Strict):
    kind: Literal["apology", "replacement", "refund", "compensation"]
    amount: Amount | None = None
    currency: Currency | None = None
    note: str | None = Field(default=None, max_length=service.TEXT_CHARS)


@router.post("/{case_id:int}/resolution")
def record_resolution(
    case_id: RowId, body: ResolutionIn, session: WriteSession, settings: AppSettings, viewer: Writer
) -> dict[str, Any]:
    ctx = _ctx(session, settings, viewer)
    case = _case(ctx, case_id)
    service.record_resolution(
        ctx, case, body.kind, note=body.note, amount=body.amount, currency=body.currency
    )
    return service.show(ctx, case)


class ContactIn(Strict):
    channel: Literal["email", "phone", "sms", "chat", "letter", "in_person"]
    what_happened: Text
    why: Text
    contacted_at: datetime | None = Field(default=None, description="default: now")

    _aware = field_validator("contacted_at")(_aware)


@router.post("/{case_id:int}/contacts", status_code=201)
def log_contact(
    case_id: RowId, body: ContactIn, session: WriteSession, settings: AppSettings, viewer: Writer
) -> dict[str, Any]:
    """When and how the customer was told what happened and why."""
    ctx = _ctx(session, settings, viewer)
    case = _case(ctx, case_id)
    service.log_contact(
        ctx,
        case,
        channel=body.channel,
        what_happened=body.what_happened,
        why=body.why,
        contacted_at=body.contacted_at,
    )
    return service.show(ctx, case)


class NoteIn(Strict):
    text: Text


@router.post("/{case_id:int}/notes", status_code=201)
def add_note(
    case_id: RowId, body: NoteIn, session: WriteSession, settings: AppSettings, viewer: Writer
) -> dict[str, Any]:
    ctx = _ctx(session, settings, viewer)
    case = _case(ctx, case_id)
    service.add_note(ctx, case, body.text)
    return service.show(ctx, case)


@router.post("/{case_id:int}/claim")
def record_claim(
    case_id: RowId, body: ClaimIn, session: WriteSession, settings: AppSettings, viewer: Writer
) -> dict[str, Any]:
    """Record the compensation claim and assess its risk (it informs; it never decides)."""
    ctx = _ctx(session, settings, viewer)
    case = _case(ctx, case_id)
    require_staff(viewer, "record claims")
    claims.record_claim(ctx, case, body.facts())
    return service.show(ctx, case)
