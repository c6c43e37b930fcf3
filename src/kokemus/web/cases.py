"""The closed loop's screens: the case list and one case, with its forms. Every read and
change goes through kokemus.cases.service, as the API's and the command line's do, so
what a role may see and do is decided there; these pages only hide what it may not do."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts.models import User, UserUnit
from kokemus.accounts.scope import can_see_unit, visible_unit_ids
from kokemus.accounts.sessions import SignedIn
from kokemus.accounts.users import list_users
from kokemus.api.deps import AppDatabase, AppSettings, DbSession
from kokemus.cases import root_causes, service
from kokemus.cases.access import READ_ONLY_ROLES, require_staff, user_viewer
from kokemus.cases.context import CaseContext
from kokemus.cases.errors import NotAllowed
from kokemus.cases.models import (
    CONTACT_CHANNELS,
    PRIORITIES,
    RESOLUTIONS,
    STATUSES,
    Case,
    RootCause,
)
from kokemus.cases.views import summary
from kokemus.config import Settings
from kokemus.customers.access import can_see_customer
from kokemus.errors import DomainError, InvalidInput, NotFound
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.metrics.rollups import organisation_zone
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.text.themes import default_taxonomy
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.case_display import Problem, Wording, names_in, problem
from kokemus.web.case_texts import TEXTS
from kokemus.web.security import client_address

router = APIRouter(include_in_schema=False)

PAGE = 50
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Key = Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9_\-]*$")]
StatusChoice = Literal[
    "", "open", "new", "investigating", "waiting_partner", "customer_informed", "resolved",
    "closed", "reopened",
]  # fmt: skip
Done = Literal["", "status", "assignment", "contact", "root_cause", "resolution", "note"]
FormText = Annotated[str, Form(max_length=service.TEXT_CHARS)]
FormKey = Annotated[str, Form(max_length=254)]
Change = Callable[[CaseContext, Case], None]


def case_texts(user: SignedIn) -> dict[str, str]:
    return TEXTS.get(user.language, TEXTS["en"])


def _context(session: Session, request: Request, user: SignedIn, settings: Settings) -> CaseContext:
    viewer = user_viewer(user, client_address(request, settings))
    return CaseContext(session, viewer, utcnow(), settings.public_url)


def _unit_names(session: Session) -> dict[str, str]:
    return {str(key): str(name) for key, name in session.execute(select(Unit.key, Unit.name))}


def _units_in_scope(session: Session, user: SignedIn) -> list[tuple[str, str]]:
    visible = visible_unit_ids(session, user)
    rows = session.execute(select(Unit.id, Unit.key, Unit.name).order_by(Unit.name))
    return [(key, name) for unit, key, name in rows if visible is None or unit in visible]


# --- the list ----------------------------------------------------------------------------


@router.get("/cases", response_class=HTMLResponse)
def case_list(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    user: CurrentUser,
    status: Annotated[StatusChoice, Query()] = "open",
    priority: Annotated[Literal["", "low", "normal", "high", "urgent"], Query()] = "",
    owner_unit: Key = "",
    breached: Annotated[Literal["", "1"], Query()] = "",
    mine: Annotated[Literal["", "1"], Query()] = "",
    start: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    texts = case_texts(user)
    filters = service.Filters(
        status=status if status in STATUSES else None,
        open_only=status == "open",
        priority=priority or None,
        owner_unit=owner_unit or None,
        breached=True if breached else None,
        assignee=user.email if mine else None,
        limit=PAGE + 1,
    )
    ctx = _context(session, request, user, settings)
    errors: list[str] = []
    try:
        found = service.list_by_due(ctx, filters, offset=start)
    except DomainError as error:
        errors, found = [str(problem(error, texts))], []
    chosen = {
        "status": status,
        "priority": priority,
        "owner_unit": owner_unit,
        "breached": breached,
        "mine": mine,
    }
    more = None
    if len(found) > PAGE:
        found = found[:PAGE]
        more = "/cases?" + urlencode({**chosen, "start": start + PAGE})
    context = {
        "ct": texts,
        "errors": errors,
        "chosen": chosen,
        "rows": _rows(session, user, found),
        "statuses": STATUSES,
        "priorities": PRIORITIES,
        "units": _units_in_scope(session, user),
        "show_customer": user.role != "partner",
        "more": more,
    }
    return layout.render(
        request,
        user,
        "cases/list.html",
        context,
        title=texts["list_title"],
        status_code=422 if errors else 200,
    )


def _rows(session: Session, user: SignedIn, found: list[Case]) -> list[dict[str, Any]]:
    units = _unit_names(session)
    keys = {unit: key for key, unit in session.execute(select(Unit.key, Unit.id)).all()}
    rows = []
    for case in found:
        row = summary(session, case, keys)
        row["owner_name"] = units.get(row["owner_unit"] or "", row["owner_unit"])
        row["waiting_name"] = units.get(row["waiting_unit"] or "", row["waiting_unit"])
        row["customer"] = None if user.role == "partner" else _customer(session, user, case)
        rows.append(row)
    return rows


def _customer(session: Session, user: SignedIn, case: Case) -> dict[str, Any] | None:
    """The customer as this user may see them: a link only when their page is open to them."""
    if case.customer_id is None:
        return None
    return {"id": case.customer_id, "open": can_see_customer(session, user, case.customer_id)}


# --- one case ----------------------------------------------------------------------------


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request,
    case_id: RowId,
    session: DbSession,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    done: Annotated[Done, Query()] = "",
) -> Response:
    notice = case_texts(user)[f"saved_{done}"] if done else None
    return _case_page(request, session, database, settings, user, case_id, notice=notice)


def _case_page(
    request: Request,
    session: Session,
    database: Database,
    settings: Settings,
    user: SignedIn,
    case_id: int,
    *,
    notice: str | None = None,
    failed: Problem | None = None,
    form: str = "",
    draft: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    texts = case_texts(user)
    ctx = _context(session, request, user, settings)
    try:
        case = service.get_case(ctx, case_id)
    except NotFound:
        return _missing(request, session, user, case_id)
    shown = service.show(ctx, case)
    causes = _causes(session, database, user.language)
    wording = Wording(texts, _unit_names(session), {cause.key: cause.name for cause in causes})
    staff = user.role not in READ_ONLY_ROLES and user.role != "partner"
    context: dict[str, Any] = {
        "ct": texts,
        "case": shown,
        "is_partner": user.role == "partner",
        "can_write": user.role not in READ_ONLY_ROLES,
        "can_staff": staff,
        "wording": wording,
        "timeline": [wording.line(item) for item in shown["timeline"]],
        "causes": [cause for cause in causes if cause.active],
        "theme_names": _theme_names(user.language),
        "touchpoint_name": _touchpoint_name(session, shown.get("touchpoint")),
        "customer": None if user.role == "partner" else _customer(session, user, case),
        "partner_units": _partner_units(session),
        "channels": CONTACT_CHANNELS,
        "resolutions": RESOLUTIONS,
        "priorities": PRIORITIES,
        "errors": [str(failed)] if failed else [],
        "failed": failed,
        "form": form,
        "draft": draft or {},
        "notice": notice,
    }
    if staff:
        context["units"] = _units_in_scope(session, user)
        context["assignees"] = _assignees(session, case)
    title = texts["case_title"].format(id=case.id)
    return layout.render(
        request, user, "cases/case.html", context, title=title, status_code=status_code
    )


def _missing(request: Request, session: Session, user: SignedIn, case_id: int) -> Response:
    """A case out of the user's scope is refused as such, like a customer out of scope."""
    if service.exists(session, case_id):
        return layout.forbidden(request, user)
    return layout.message(request, user, "not_found_title", f"no case {case_id}", 404)


@dataclass(frozen=True)
class Cause:
    key: str
    name: str
    active: bool  # inactive causes only name what old cases recorded


def _causes(session: Session, database: Database, language: str) -> list[Cause]:
    """The taxonomy, stored apart from this reading session the first time it is needed."""
    if session.scalar(select(RootCause.id).limit(1)) is None:
        with database.write_transaction() as writing:
            return _named(root_causes.listed(writing), language)
    return _named(root_causes.listed(session, active_only=False), language)


def _named(causes: list[RootCause], language: str) -> list[Cause]:
    return [Cause(c.key, names_in(c.names, language, c.key), c.active) for c in causes]


def _theme_names(language: str) -> dict[str, str]:
    labels = default_taxonomy().labels
    return {theme: names_in(names, language, theme) for theme, names in labels.items()}


def _touchpoint_name(session: Session, key: str | None) -> str | None:
    if not key:
        return None
    return session.scalar(select(Touchpoint.name).where(Touchpoint.key == key)) or key


def _partner_units(session: Session) -> list[tuple[str, str]]:
    query = select(Unit.key, Unit.name).where(Unit.kind == "partner").order_by(Unit.name)
    return [(key, name) for key, name in session.execute(query)]


@dataclass(frozen=True)
class _Staff:
    role: str
    unit_ids: tuple[int, ...]


def _assignees(session: Session, case: Case) -> list[tuple[str, str]]:
    """Active staff who can see the case's owner unit, and whoever holds it now."""
    units: dict[int, list[int]] = {}
    for user_id, unit in session.execute(select(UserUnit.user_id, UserUnit.unit_id)):
        units.setdefault(user_id, []).append(unit)
    return [
        (found.email, found.display_name or found.email)
        for found in list_users(session)
        if found.id == case.assignee_id
        or (
            found.disabled_at is None
            and found.role not in ("partner", *READ_ONLY_ROLES)
            and can_see_unit(
                session, _Staff(found.role, tuple(units.get(found.id, ()))), case.owner_unit_id
            )
        )
    ]


# --- the forms ---------------------------------------------------------------------------


def _change(
    request: Request,
    database: Database,
    settings: Settings,
    user: SignedIn,
    case_id: int,
    csrf: str,
    form: str,
    draft: dict[str, str],
    change: Change,
) -> Response:
    """Make one change in one transaction; a refusal shows the case again with the
    refusal beside the form and what was typed still in it."""
    if denied := layout.refused_form(request, user, csrf):
        return denied
    try:
        _no_nul(draft)
        with database.write_transaction() as session:
            ctx = _context(session, request, user, settings)
            change(ctx, service.get_case(ctx, case_id))
    except NotFound:
        with database.transaction() as session:
            return _missing(request, session, user, case_id)
    except NotAllowed as error:
        return layout.message(request, user, "forbidden_title", str(error), 403)
    except DomainError as error:
        failed = problem(error, case_texts(user))
        with database.transaction() as session:
            return _case_page(
                request,
                session,
                database,
                settings,
                user,
                case_id,
                failed=failed,
                form=form,
                draft=draft,
                status_code=error.status_code,
            )
    anchor = {"contact": "contacts", "note": "timeline"}.get(form, "timeline")
    return RedirectResponse(f"/cases/{case_id}?done={form}#{anchor}", status_code=303)


def _no_nul(draft: dict[str, str]) -> None:
    """PostgreSQL stores no NUL character in text: refuse it, naming the field."""
    for name, value in draft.items():
        if "\x00" in value:
            raise InvalidInput(name, "a NUL character is not allowed")


@router.post("/cases/{case_id}/status", response_class=HTMLResponse)
def change_status(
    request: Request,
    case_id: RowId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: FormKey = "",
    to: FormKey = "",
    note: FormText = "",
    waiting_unit: FormKey = "",
) -> Response:
    def change(ctx: CaseContext, case: Case) -> None:
        service.transition(ctx, case, to, note=note or None, waiting_unit=waiting_unit or None)

    draft = {"to": to, "note": note, "waiting_unit": waiting_unit}
    return _change(request, database, settings, user, case_id, csrf, "status", draft, change)


@router.post("/cases/{case_id}/assignment", response_class=HTMLResponse)
def assign(
    request: Request,
    case_id: RowId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: FormKey = "",
    priority: FormKey = "",
    owner_unit: FormKey = "",
    assignee: FormKey = "",
) -> Response:
    def change(ctx: CaseContext, case: Case) -> None:
        require_staff(ctx.viewer, "assign cases")
        owner = summary(ctx.session, case)["owner_unit"]
        current = ctx.session.get(User, case.assignee_id) if case.assignee_id else None
        if priority and priority != case.priority:
            service.set_priority(ctx, case, priority)
        new_owner = owner_unit if owner_unit and owner_unit != owner else None
        new_assignee = assignee if assignee != (current.email if current else "") else None
        if new_owner is not None or new_assignee is not None:
            service.assign(ctx, case, new_assignee, new_owner)

    draft = {"priority": priority, "owner_unit": owner_unit, "assignee": assignee}
    return _change(request, database, settings, user, case_id, csrf, "assignment", draft, change)


@router.post("/cases/{case_id}/contacts", response_class=HTMLResponse)
def log_contact(
    request: Request,
    case_id: RowId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: FormKey = "",
    channel: FormKey = "",
    what_happened: FormText = "",
    why: FormText = "",
    contacted_at: FormKey = "",
) -> Response:
    texts = case_texts(user)

    def change(ctx: CaseContext, case: Case) -> None:
        when = _moment(contacted_at, "contacted_at", texts)
        service.log_contact(
            ctx, case, channel=channel, what_happened=what_happened, why=why, contacted_at=when
        )

    draft = {
        "channel": channel,
        "what_happened": what_happened,
        "why": why,
        "contacted_at": contacted_at,
    }
    return _change(request, database, settings, user, case_id, csrf, "contact", draft, change)


def _moment(value: str, field: str, texts: dict[str, str]) -> datetime | None:
    """A time typed in the organisation's time zone, as the page shows times."""
    if not value.strip():
        return None
    try:
        typed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, texts["bad_time"]) from None
    return typed if typed.tzinfo else typed.replace(tzinfo=organisation_zone())


@router.post("/cases/{case_id}/root-cause", response_class=HTMLResponse)
def record_root_cause(
    request: Request,
    case_id: RowId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: FormKey = "",
    key: FormKey = "",
    note: FormText = "",
) -> Response:
    def change(ctx: CaseContext, case: Case) -> None:
        service.set_root_cause(ctx, case, key, note or None)

    draft = {"key": key, "note": note}
    return _change(request, database, settings, user, case_id, csrf, "root_cause", draft, change)


@router.post("/cases/{case_id}/resolution", response_class=HTMLResponse)
def record_resolution(
    request: Request,
    case_id: RowId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: FormKey = "",
    kind: FormKey = "",
    amount: FormKey = "",
    currency: FormKey = "",
    note: FormText = "",
) -> Response:
    def change(ctx: CaseContext, case: Case) -> None:
        # The currency field keeps its default when no amount is given: then it means nothing.
        given = _amount(amount)
        service.record_resolution(
            ctx,
            case,
            kind,
            note=note or None,
            amount=given,
            currency=(currency.strip() or None) if given else None,
        )

    draft = {"kind": kind, "amount": amount, "currency": currency, "note": note}
    return _change(request, database, settings, user, case_id, csrf, "resolution", draft, change)


def _amount(typed: str) -> str | None:
    """An amount as typed; a decimal comma ("49,90", as fi and sv write it) is a point."""
    text = typed.strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return text or None


@router.post("/cases/{case_id}/notes", response_class=HTMLResponse)
def add_note(
    request: Request,
    case_id: RowId,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: FormKey = "",
    text: FormText = "",
) -> Response:
    def change(ctx: CaseContext, case: Case) -> None:
        service.add_note(ctx, case, text)

    return _change(request, database, settings, user, case_id, csrf, "note", {"text": text}, change)
