"""Admin pages: sources and their write keys, API tokens, users. Admins only.

A new secret (write key, token) is shown once, on the page that answers the post that
made it; only its hash is kept. Every change is a post with the session's CSRF token,
and goes in the audit log.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.accounts import service as tokens
from kokemus.accounts import users
from kokemus.accounts.models import LANGUAGES, ROLES
from kokemus.accounts.passwords import MAX_LENGTH
from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings
from kokemus.audit.service import Actor, record
from kokemus.config import Settings
from kokemus.errors import DomainError, InvalidInput
from kokemus.ingest import sources
from kokemus.ingest.models import SOURCE_KINDS
from kokemus.journeys.models import Unit
from kokemus.store import Database
from kokemus.web import layout
from kokemus.web.auth import CurrentUser

router = APIRouter(prefix="/admin", include_in_schema=False)

Text = Annotated[str, Form(max_length=1000)]
Many = Annotated[list[str], Form()]
Done = Callable[[Session, Actor], dict[str, Any]]


# --- sources -------------------------------------------------------------------------------


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, database: AppDatabase, user: CurrentUser) -> Response:
    if denied := layout.admin_only(request, user):
        return denied
    return _sources(request, database, user)


@router.post("/sources", response_class=HTMLResponse)
def create_source(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Text = "",
    name: Text = "",
    kind: Text = "other",
) -> Response:
    def change(session: Session, actor: Actor) -> dict[str, Any]:
        created = sources.create_source(session, name, kind)
        record(session, "source.create", actor=actor, target=created.name, details={"kind": kind})
        return {"secret": (created.name, created.write_key)}

    return _post(request, database, settings, user, csrf, change, _sources)


@router.post("/sources/rotate", response_class=HTMLResponse)
def rotate_key(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Text = "",
    name: Text = "",
) -> Response:
    def change(session: Session, actor: Actor) -> dict[str, Any]:
        rotated = sources.rotate_write_key(session, name)
        record(session, "source.rotate_key", actor=actor, target=rotated.name)
        request.app.state.write_keys.forget()
        return {"secret": (rotated.name, rotated.write_key)}

    return _post(request, database, settings, user, csrf, change, _sources)


@router.post("/sources/disable", response_class=HTMLResponse)
def disable_source(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Text = "",
    name: Text = "",
) -> Response:
    def change(session: Session, actor: Actor) -> dict[str, Any]:
        sources.disable_source(session, name)
        record(session, "source.disable", actor=actor, target=name)
        request.app.state.write_keys.forget()
        return {"notice": layout.texts(user)["source_disabled"].format(name=name)}

    return _post(request, database, settings, user, csrf, change, _sources)


def _sources(request: Request, database: Database, user: SignedIn, **context: Any) -> Response:
    with database.transaction() as session:
        listed = sources.list_sources(session)
    page = {"sources": listed, "kinds": SOURCE_KINDS, **context}
    title = layout.texts(user)["sources_title"]
    return _render(request, user, "admin/sources.html", page, title)


# --- API tokens ----------------------------------------------------------------------------


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, database: AppDatabase, user: CurrentUser) -> Response:
    if denied := layout.admin_only(request, user):
        return denied
    return _tokens(request, database, user)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Text = "",
    name: Text = "",
    scope: Text = "read",
) -> Response:
    def change(session: Session, actor: Actor) -> dict[str, Any]:
        clean = name.strip()
        if not clean or len(clean) > 100:
            raise InvalidInput("name", "must be 1 to 100 characters")
        issued = tokens.create_token(session, clean, scope)
        record(session, "token.create", actor=actor, target=clean, details={"scope": scope})
        return {"secret": (issued.name, issued.token)}

    return _post(request, database, settings, user, csrf, change, _tokens)


@router.post("/tokens/revoke", response_class=HTMLResponse)
def revoke_token(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Text = "",
    name: Text = "",
) -> Response:
    def change(session: Session, actor: Actor) -> dict[str, Any]:
        tokens.revoke_token(session, name)
        record(session, "token.revoke", actor=actor, target=name)
        return {"notice": layout.texts(user)["token_revoked"].format(name=name)}

    return _post(request, database, settings, user, csrf, change, _tokens)


def _tokens(request: Request, database: Database, user: SignedIn, **context: Any) -> Response:
    with database.transaction() as session:
        listed = tokens.list_tokens(session)
    page = {"tokens": listed, "scopes": tokens.SCOPES, **context}
    title = layout.texts(user)["tokens_title"]
    return _render(request, user, "admin/tokens.html", page, title)


# --- users ---------------------------------------------------------------------------------


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, database: AppDatabase, user: CurrentUser) -> Response:
    if denied := layout.admin_only(request, user):
        return denied
    return _users(request, database, user)


@router.post("/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Text = "",
    email: Text = "",
    display_name: Text = "",
    role: Text = "",
    language: Text = "fi",
    password: Annotated[str, Form(max_length=MAX_LENGTH)] = "",
    units: Many = [],  # noqa: B006 - FastAPI copies form defaults
) -> Response:
    new = users.NewUser(
        email=email,
        role=role,
        password=password,
        display_name=display_name,
        language=language,
        units=[unit for unit in units if unit],
    )

    def change(session: Session, actor: Actor) -> dict[str, Any]:
        created = users.create_user(session, new, actor=actor)
        return {"notice": layout.texts(user)["user_created"].format(email=created.email)}

    draft = {
        "email": email,
        "display_name": display_name,
        "role": role,
        "language": language,
        "units": new.units,
    }
    return _post(request, database, settings, user, csrf, change, _users, draft=draft)


@router.post("/users/disable", response_class=HTMLResponse)
def disable_user(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    user: CurrentUser,
    csrf: Text = "",
    email: Text = "",
) -> Response:
    def change(session: Session, actor: Actor) -> dict[str, Any]:
        if email.strip().lower() == user.email:
            raise InvalidInput("email", "you cannot disable your own account")
        disabled = users.disable_user(session, email, actor=actor)
        return {"notice": layout.texts(user)["user_disabled"].format(email=disabled.email)}

    return _post(request, database, settings, user, csrf, change, _users)


def _users(request: Request, database: Database, user: SignedIn, **context: Any) -> Response:
    with database.transaction() as session:
        listed = [
            (found, users.unit_keys(session, found.id)) for found in users.list_users(session)
        ]
        rows = session.execute(select(Unit.key, Unit.name).order_by(Unit.name))
        units = [(str(key), str(name)) for key, name in rows]
    page = {
        "users": listed,
        "units": units,
        "unit_names": dict(units),
        "roles": ROLES,
        "languages": LANGUAGES,
        "draft": {},
        **context,
    }
    title = layout.texts(user)["users_title"]
    return _render(request, user, "admin/users.html", page, title)


# --- shared --------------------------------------------------------------------------------

Page = Callable[..., Response]


def _post(
    request: Request,
    database: Database,
    settings: Settings,
    user: SignedIn,
    csrf: str,
    change: Done,
    page: Page,
    *,
    draft: dict[str, Any] | None = None,
) -> Response:
    """Check role and CSRF, make the change in one transaction, then answer with the page.

    The answer is the page itself, with what was done: a new secret appears once and
    never in a URL, and no text of a notice comes from a link someone could craft.
    """
    if denied := layout.admin_only(request, user) or layout.refused_form(request, user, csrf):
        return denied
    try:
        with database.write_transaction() as session:
            outcome = change(session, layout.actor(request, user, settings))
    except DomainError as error:
        return page(
            request,
            database,
            user,
            errors=[str(error)],
            draft=draft or {},
            status_code=error.status_code,
        )
    return page(request, database, user, **outcome)


def _render(
    request: Request,
    user: SignedIn,
    template: str,
    context: dict[str, Any],
    title: str,
) -> Response:
    status = context.pop("status_code", 200)
    return layout.render(request, user, template, context, title=title, status_code=status)
