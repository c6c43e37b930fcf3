from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from kokemus.accounts.models import ApiToken
from kokemus.accounts.service import Unauthorized, authenticate, note_use, use_is_stale
from kokemus.config import Settings
from kokemus.errors import InvalidInput
from kokemus.store import Database

bearer = HTTPBearer(auto_error=False, description="An API token from `kokemus tokens create`")


# async: FastAPI would run a plain function in the thread pool, a hop per request for a read.
async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """One transaction per request, committed here when the route succeeds."""
    with database.transaction() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]
AppDatabase = Annotated[Database, Depends(get_database)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _requires(scope: str):  # type: ignore[no-untyped-def]
    def check(credentials: Credentials, database: AppDatabase) -> ApiToken:
        if credentials is None:
            raise Unauthorized("send an API token as 'Authorization: Bearer TOKEN'")
        with database.transaction() as session:
            token = authenticate(session, credentials.credentials, scope)
        if use_is_stale(token):
            with database.write_transaction() as session:
                note_use(session, token.id)
        return token

    return check


ReadToken = Annotated[ApiToken, Depends(_requires("read"))]
WriteToken = Annotated[ApiToken, Depends(_requires("write"))]
AdminToken = Annotated[ApiToken, Depends(_requires("admin"))]


async def known_query_only(request: Request) -> None:
    """Refuse query parameters the route does not take: a typo should not pass unnoticed."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    accepted = _query_names(route.dependant)
    unknown = sorted(set(request.query_params) - accepted)
    if unknown:
        raise InvalidInput(
            unknown[0], f"unknown query parameter; this route takes {_listed(accepted)}"
        )


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for inner in dependant.dependencies:
        names |= _query_names(inner)
    return names


def _listed(names: set[str]) -> str:
    return ", ".join(sorted(names)) if names else "none"
