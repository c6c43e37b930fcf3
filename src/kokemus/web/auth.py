"""Signing in and out of the web app, changing one's password, and `CurrentUser`.

Sessions live in the store (accounts.sessions): the cookie holds only a random token, so
signing out or changing the password ends a session on the spot, everywhere.
"""

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from kokemus.accounts import sessions
from kokemus.accounts.passwords import MAX_LENGTH, PasswordRejected
from kokemus.accounts.sessions import SignedIn
from kokemus.api.deps import AppDatabase, AppSettings
from kokemus.config import Settings
from kokemus.web.auth_texts import TEXTS
from kokemus.web.languages import LANGUAGE_NAMES
from kokemus.web.rate_limits import RateLimit
from kokemus.web.security import client_address, is_https, new_token, same_token
from kokemus.web.survey_texts import choose_language

SESSION_COOKIE = "kokemus_session"
LOGIN_COOKIE = "kokemus_login"  # the sign-in form's CSRF token, before there is a session
LOGIN_COOKIE_SECONDS = 3600
NEXT_MAX_CHARS = 2000

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class LoginRateLimit:
    """Failed sign-ins per address, across accounts (see RateLimit for where it counts)."""

    def __init__(self, rate: str, storage: str = "memory://") -> None:
        self._limit = RateLimit(rate, "login", storage)

    def blocked(self, address: str) -> bool:
        return not self._limit.within(address)

    def failed(self, address: str) -> None:
        self._limit.allow(address)


def install(app: FastAPI, settings: Settings) -> None:
    app.state.login_rate_limit = LoginRateLimit(
        settings.login_rate_limit, settings.rate_limit_storage
    )

    async def to_sign_in(request: Request, error: Exception) -> Response:
        assert isinstance(error, SignInRequired)
        return RedirectResponse(f"/login?{urlencode({'next': error.next_path})}", 303)

    app.add_exception_handler(SignInRequired, to_sign_in)


def safe_next(value: str | None) -> str:
    """A path on this site to go on to after signing in; anything else means the home page."""
    if not value or len(value) > NEXT_MAX_CHARS or "\\" in value:
        return "/"
    if not value.startswith("/") or value.startswith("//"):
        return "/"
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def _signed_in(request: Request, database: AppDatabase) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with database.transaction() as session:
        user = sessions.lookup(session, token)
    if user is not None and sessions.seen_is_stale(user):
        with database.write_transaction() as session:
            sessions.note_seen(session, user.session_id)
    return user


def current_user(request: Request, database: AppDatabase) -> SignedIn:
    user = _signed_in(request, database)
    if user is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise SignInRequired(request.url.path + query)
    return user


CurrentUser = Annotated[SignedIn, Depends(current_user)]


# --- signing in --------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, database: AppDatabase, settings: AppSettings) -> Response:
    params = request.query_params
    if _signed_in(request, database) is not None:
        return RedirectResponse(safe_next(params.get("next")), 303)
    language = _language(request, params.get("lang"))
    notice = TEXTS[language]["signed_out"] if params.get("out") == "1" else None
    return _login_page(request, settings, language, next_path=params.get("next"), notice=notice)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    email: FormText = "",
    password: FormText = "",
    csrf: FormText = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
    lang: FormText = "",
) -> Response:
    language = _language(request, lang)
    if not same_token(request.cookies.get(LOGIN_COOKIE), csrf):
        return _message(request, language, "form_expired", 403, link="/login")
    address = client_address(request, settings)
    limit: LoginRateLimit = request.app.state.login_rate_limit
    if limit.blocked(address):
        return _message(request, language, "too_many", 429, link="/login")
    with database.write_transaction() as session:
        started = sessions.sign_in(
            session,
            email[:254],
            password[:MAX_LENGTH],
            address=address,
            user_agent=request.headers.get("user-agent"),
        )
    if started is None:
        limit.failed(address)
        return _login_page(
            request,
            settings,
            language,
            next_path=next_path,
            email=email[:254],
            error=TEXTS[language]["sign_in_failed"],
            status_code=400,
        )
    answer = RedirectResponse(safe_next(next_path), 303)
    _set_cookie(answer, request, settings, SESSION_COOKIE, started.token, path="/")
    answer.delete_cookie(LOGIN_COOKIE, path="/login")
    return answer


def _login_page(
    request: Request,
    settings: Settings,
    language: str,
    *,
    next_path: str | None,
    email: str = "",
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE)
    fresh = not token or len(token) > 100
    if fresh:
        token = new_token()
    context = {
        **_page_context(language),
        "title": TEXTS[language]["sign_in_title"],
        "csrf": token,
        "next": safe_next(next_path),
        "email": email,
        "error": error,
        "notice": notice,
    }
    answer = templates.TemplateResponse(
        request, "auth/login.html", context, status_code=status_code
    )
    if fresh:
        assert token is not None
        seconds = LOGIN_COOKIE_SECONDS
        _set_cookie(answer, request, settings, LOGIN_COOKIE, token, path="/login", max_age=seconds)
    return answer


# --- signing out, changing the password --------------------------------------------------


@router.post("/logout")
def logout(
    request: Request, database: AppDatabase, settings: AppSettings, csrf: FormText = ""
) -> Response:
    user = _signed_in(request, database)
    if user is not None:
        if not same_token(user.csrf_token, csrf):
            return _message(request, user.language, "form_expired", 403, link="/")
        with database.write_transaction() as session:
            sessions.sign_out(session, user, address=client_address(request, settings))
    query = {"out": "1", **({"lang": user.language} if user else {})}
    answer = RedirectResponse(f"/login?{urlencode(query)}", 303)
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, user: CurrentUser) -> Response:
    notice = TEXTS[user.language]["password_changed"] if request.query_params.get("done") else None
    return _password_page(request, user, notice=notice)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    user: CurrentUser,
    database: AppDatabase,
    settings: AppSettings,
    csrf: FormText = "",
    current_password: FormText = "",
    new_password: FormText = "",
    new_password_again: FormText = "",
) -> Response:
    if not same_token(user.csrf_token, csrf):
        return _message(request, user.language, "form_expired", 403, link="/account/password")
    try:
        with database.write_transaction() as session:
            sessions.change_password(
                session,
                user,
                current_password,
                new_password,
                new_password_again,
                address=client_address(request, settings),
            )
    except PasswordRejected as rejected:
        message = TEXTS[user.language][f"password_{rejected.reason}"]
        return _password_page(request, user, errors={rejected.field: message}, status_code=400)
    return RedirectResponse("/account/password?done=1", 303)


def _password_page(
    request: Request,
    user: SignedIn,
    *,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        **_page_context(user.language),
        "title": TEXTS[user.language]["change_password"],
        "user": user,
        "csrf": user.csrf_token,
        "errors": errors or {},
        "notice": notice,
    }
    return templates.TemplateResponse(
        request, "auth/password.html", context, status_code=status_code
    )


# --- shared ------------------------------------------------------------------------------


def _language(request: Request, asked: str | None) -> str:
    return choose_language(list(TEXTS), asked, None, request.headers.get("accept-language"))


def _page_context(language: str) -> dict[str, Any]:
    return {"lang": language, "ui": TEXTS[language], "language_names": LANGUAGE_NAMES}


def _message(
    request: Request, language: str, what: str, status_code: int, *, link: str
) -> Response:
    context = {
        **_page_context(language),
        "title": "Kokemus",
        "message": TEXTS[language][what],
        "link": link,
    }
    return templates.TemplateResponse(
        request, "auth/message.html", context, status_code=status_code
    )


def _set_cookie(
    answer: Response,
    request: Request,
    settings: Settings,
    name: str,
    value: str,
    *,
    path: str,
    max_age: int | None = None,
) -> None:
    answer.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="lax",
        secure=is_https(request, settings),
    )
