import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from kokemus import __version__
from kokemus.api import (
    alert_rules,
    cases,
    customers,
    events,
    goals,
    insights,
    journey,
    metrics,
    segment,
    surveys,
    texts,
)
from kokemus.api import webhooks as webhook_endpoints
from kokemus.api.schemas import EventMessage, SegmentBatch, SegmentMessage
from kokemus.config import Settings, get_settings
from kokemus.errors import DomainError
from kokemus.ingest.group_writer import GroupWriter
from kokemus.store import Database
from kokemus.surveys.submit import JourneyPlaces, PublishedSurveys, ResponseWriter
from kokemus.web import (
    admin,
    auth,
    feedback,
    journey_editor,
    overview,
    security,
    stories,
    survey_pages,
    survey_screens,
)
from kokemus.web import cases as case_pages
from kokemus.web import customers as customer_pages
from kokemus.web import journey as journey_page
from kokemus.web.rate_limits import RateLimit

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    405: "method_not_allowed",
    413: "payload_too_large",
    422: "invalid",
}


def create_app_from_environment() -> FastAPI:
    """For servers that start the app themselves in each worker process."""
    return create_app(Settings())


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    methods: set[str] = set()
    for route in app.routes:
        if isinstance(route, APIRoute | Route) and route.methods:
            match, _ = route.matches({**request.scope, "method": next(iter(route.methods))})
            if match is Match.FULL:
                methods |= route.methods
    return sorted(methods)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    group_writer = GroupWriter(database)
    response_writer = ResponseWriter(database)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # What is loaded by now lives as long as the server: keep the collector off it, and
        # collect young objects less often. Each full collection otherwise walks the whole
        # heap and stalls every request for tens of milliseconds, several times a second.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
        database.start_checkpoints()
        yield
        group_writer.close()
        response_writer.close()

    # API reference pages with their scripts served from here, not from a CDN.
    app = FastAPIOffline(
        title="Kokemus",
        version=__version__,
        summary="Customer experience management",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.write_keys = segment.WriteKeys()
    app.state.group_writer = group_writer
    app.state.survey_rate_limit = RateLimit(
        settings.survey_rate_limit, "survey", settings.rate_limit_storage
    )
    app.state.response_writer = response_writer
    app.state.published_surveys = PublishedSurveys(database)
    app.state.journey_places = JourneyPlaces(database)

    # Routes are tried in order: the public survey pages, the busiest, come first.
    routers = (
        survey_pages.router,
        segment.router,
        events.router,
        customers.router,
        journey.router,
        surveys.router,
        texts.router,
        metrics.router,
        insights.router,
        goals.router,
        cases.router,
        alert_rules.router,
        webhook_endpoints.router,
        auth.router,
        overview.router,
        customer_pages.router,
        feedback.router,
        case_pages.router,
        stories.router,
        journey_editor.router,
        journey_page.router,
        admin.router,
        survey_screens.router,
    )
    for router in routers:
        app.include_router(router)
    app.add_middleware(survey_pages.AnswerShortcut)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), "static")
    auth.install(app, settings)
    security.install(app)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse | HTMLResponse:
        code = ERROR_CODES.get(error.status_code, "error")
        body: dict[str, Any] = {"code": code, "message": str(error)}
        if field := getattr(error, "field", None):
            body["field"] = field
        headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
        return JSONResponse(body, status_code=error.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(part) for part in problem["loc"][1:]), "error": problem["msg"]}
            for problem in error.errors()
        ]
        message = "; ".join(f"{p['field']}: {p['error']}" for p in problems)
        return JSONResponse(
            {"code": "invalid", "message": message, "problems": problems}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Starlette names only the first route on the path; a path can have several.
            headers["Allow"] = ", ".join(allowed_methods(app, request))
        body = {"code": ERROR_CODES.get(error.status_code, "error"), "message": str(error.detail)}
        return JSONResponse(body, status_code=error.status_code, headers=headers)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, routes=app.routes, summary=app.summary
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (SegmentBatch, SegmentMessage, EventMessage):
            document = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(document.pop("$defs", {}))
            components[model.__name__] = document
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
