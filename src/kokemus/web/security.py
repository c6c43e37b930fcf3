"""What every page of the app itself sends: security headers, and CSRF and HTTPS checks.

The public survey pages set their own, looser policy (the widget frames them on other
sites); the JSON API and the API reference (whose page runs an inline script) keep theirs.
"""

import secrets

from fastapi import FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kokemus.config import Settings

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    # Pages show what only the signed-in user may see: no copy in any cache or history.
    "Cache-Control": "no-store",
}
NOT_APP_PAGES = ("/s/", "/i/", "/static/", "/api/", "/v1/", "/docs", "/redoc", "/openapi.json")


class SecurityHeaders:
    """Adds PAGE_HEADERS to the app's HTML responses (plain ASGI: no cost on other paths)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(NOT_APP_PAGES):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # A page that chose its own policy keeps it, and the rest of its headers.
                is_page = headers.get("content-type", "").startswith("text/html")
                if is_page and "content-security-policy" not in headers:
                    for name, value in PAGE_HEADERS.items():
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return secrets.compare_digest(expected.encode(), given.encode())


def is_https(request: Request, settings: Settings) -> bool:
    if request.url.scheme == "https":
        return True
    if not settings.trust_proxy_headers:
        return False
    forwarded = request.headers.get("x-forwarded-proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"


def client_address(request: Request, settings: Settings) -> str:
    if settings.trust_proxy_headers:
        # The proxy appends the address it saw; anything before it the client could write.
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return request.client.host if request.client else "unknown"
