"""The signed-in app's shared page: navigation by role, texts in the user's language,
and the checks every form of it makes (CSRF, admin only)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from kokemus.accounts.sessions import SignedIn
from kokemus.audit.service import Actor
from kokemus.config import Settings
from kokemus.metrics.rollups import organisation_zone
from kokemus.reports.localise import with_decimal_mark
from kokemus.web.app_texts import TEXTS
from kokemus.web.languages import LANGUAGE_NAMES
from kokemus.web.security import client_address, same_token

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# Finnish and Swedish write a decimal comma.
_DECIMAL_COMMA = {"fi", "sv"}


@pass_context
def decimal(context: Any, text: object) -> str:
    """A number as the page's language writes it ("4.2" is "4,2" in fi and sv)."""
    shown = str(text)
    return with_decimal_mark(shown, "," if context.get("lang") in _DECIMAL_COMMA else ".")


templates.env.filters["decimal"] = decimal


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str


# (path, text key, roles that see it; None for everyone)
NAVIGATION: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("/", "nav_home", None),
    ("/customers", "nav_customers", None),
    ("/feedback", "nav_feedback", None),
    ("/cases", "nav_cases", None),
    ("/stories", "nav_stories", None),
    ("/surveys", "nav_surveys", None),
    ("/journey", "nav_journey", None),
    ("/admin/sources", "nav_sources", ("admin",)),
    ("/admin/tokens", "nav_tokens", ("admin",)),
    ("/admin/users", "nav_users", ("admin",)),
)


def texts(user: SignedIn) -> dict[str, str]:
    return TEXTS.get(user.language, TEXTS["en"])


def navigation(user: SignedIn, current: str) -> list[tuple[NavItem, bool]]:
    ui = texts(user)
    items = []
    for path, key, roles in NAVIGATION:
        if roles is None or user.role in roles:
            here = current == path or (path != "/" and current.startswith(path + "/"))
            items.append((NavItem(path, ui[key]), here))
    return items


def render(
    request: Request,
    user: SignedIn,
    template: str,
    context: dict[str, Any],
    *,
    title: str,
    status_code: int = 200,
) -> Response:
    page = {
        "lang": user.language,
        "ui": texts(user),
        "user": user,
        "csrf": user.csrf_token,
        "title": title,
        "navigation": navigation(user, request.url.path),
        "language_names": LANGUAGE_NAMES,
        "when": when,
        **context,
    }
    return templates.TemplateResponse(request, template, page, status_code=status_code)


def message(
    request: Request, user: SignedIn, title_key: str, text: str, status_code: int
) -> Response:
    ui = texts(user)
    context = {"message": text}
    return render(
        request, user, "app/message.html", context, title=ui[title_key], status_code=status_code
    )


def forbidden(request: Request, user: SignedIn) -> Response:
    return message(request, user, "forbidden_title", texts(user)["forbidden"], 403)


def admin_only(request: Request, user: SignedIn) -> Response | None:
    """A 403 page for anyone but an admin; None for an admin."""
    return None if user.role == "admin" else forbidden(request, user)


def refused_form(request: Request, user: SignedIn, csrf: str) -> Response | None:
    """A 403 page when the form's CSRF token is not the session's; None when it is."""
    if same_token(user.csrf_token, csrf):
        return None
    return message(request, user, "forbidden_title", texts(user)["form_expired"], 403)


def actor(request: Request, user: SignedIn, settings: Settings) -> Actor:
    return Actor(user_id=user.user_id, address=client_address(request, settings))


def when(moment: datetime | None) -> str:
    """A time as staff read it: to the minute, in the organisation's time zone, named."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(organisation_zone()).strftime("%Y-%m-%d %H:%M %Z")
