"""The public survey pages: anonymous links (`/s/ID`, QR codes, the widget) and invitations.

They work without JavaScript. A page's answers are posted and kept as a partial response;
the next page is drawn straight from that post, so a multi-page survey also works inside
the widget's frame, where the resume cookie may not be sent.
"""

import asyncio
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from kokemus.api.deps import AppDatabase
from kokemus.credentials import hash_secret
from kokemus.errors import InvalidInput, NotFound
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.surveys import responses
from kokemus.surveys.answers import Answers, is_shown, missing_required, pages, read_page
from kokemus.surveys.definition import TEXT_MAX_CHARS, Question, SurveyDefinition, Texts
from kokemus.surveys.models import Invitation, Survey
from kokemus.surveys.models import Response as SurveyResponse
from kokemus.surveys.navigation import bounded_int, page_plan, page_to_show, shown_pages
from kokemus.surveys.service import (
    get_by_public_id,
    published_definition,
    touchpoint_ids,
    touchpoint_owner,
    unit_id,
    version_definition,
)
from kokemus.surveys.submit import (
    JourneyPlaces,
    LiveSurvey,
    PublishedSurveys,
    ResponseWriter,
    prepare,
)
from kokemus.web.languages import LANGUAGE_NAMES
from kokemus.web.rate_limits import RateLimit
from kokemus.web.survey_texts import UI, choose_language

FORM_LIMIT = 64 * 1024
RESUME_DAYS = 30
ANONYMOUS_CHANNELS = ("link", "qr", "widget")
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@dataclass
class Visit:
    survey: Survey
    definition: SurveyDefinition
    base: str
    origin: responses.Origin
    invitation: Invitation | None = None
    response: SurveyResponse | None = None
    carry: dict[str, str] = field(default_factory=dict)
    embed: bool = False

    @property
    def answers(self) -> Answers:
        return dict(self.response.answers) if self.response is not None else {}

    @property
    def cookie(self) -> str:
        return f"kokemus_resume_{self.survey.public_id}"


# --- anonymous links ---------------------------------------------------------------------


@router.get("/s/{public_id}", response_class=HTMLResponse)
def anonymous_page(public_id: str, request: Request, database: AppDatabase) -> Response:
    params = request.query_params
    with database.transaction() as session:
        visit = _anonymous_visit(session, public_id, request, params)
        if not isinstance(visit, Visit):
            return visit
        language = _language(request, visit, params.get("lang"))
        page = page_to_show(visit.definition, visit.answers, params.get("p"))
        return _render(request, visit, language, page, visit.answers)


async def anonymous_answer(request: Request) -> Response:
    public_id = str(request.path_params["public_id"])
    form = await _read_form(request)
    if isinstance(form, Response):
        return form
    limiter: RateLimit = request.app.state.survey_rate_limit
    if not limiter.allow(_address(request)):
        return _message(request, form.get("lang", "fi"), "too_many", 429)
    if form.get("website"):  # the honeypot: a person never fills it in
        return RedirectResponse(f"/s/{public_id}/thanks", status_code=303)
    answered = await _answer_at_once(request, public_id, form)
    if answered is not None:
        return answered
    return await run_in_threadpool(
        _answer,
        request.app.state.database,
        request,
        form,
        lambda session: _anonymous_visit(session, public_id, request, form),
    )


async def _answer_at_once(
    request: Request, public_id: str, form: dict[str, Any]
) -> Response | None:
    """A complete answer in one post, stored in a group; None sends it the ORM way."""
    if form.get("r") or form.get("nav") == "back" or form.get("p", "0") != "0":
        return None
    if request.cookies.get(f"kokemus_resume_{public_id[:32]}"):
        return None
    surveys: PublishedSurveys = request.app.state.published_surveys
    live = surveys.cached(public_id)
    if live is False:
        live = await run_in_threadpool(surveys.load, public_id)
    if not isinstance(live, LiveSurvey) or live.status != "published" or live.definition is None:
        return None
    journey: JourneyPlaces = request.app.state.journey_places
    places = journey.cached()
    if places is None:
        places = await run_in_threadpool(journey.load)
    definition = live.definition
    first = pages(definition)[0]
    try:
        answers = read_page(definition, first, {q.key: _raw(q, form) for q in first}, {})
    except InvalidInput:
        return None
    if missing_required(definition, answers) is not None:
        return None
    if shown_pages(definition, answers, after=0):
        return None
    language = choose_language(
        list(definition.languages), form.get("lang"), None, request.headers.get("accept-language")
    )
    touchpoint = places.touchpoints.get(form.get("tp") or "") or live.touchpoint_id
    agent = request.headers.get("user-agent", "")[:300]
    prepared = prepare(
        live,
        places,
        answers,
        channel=form["via"] if form.get("via") in ANONYMOUS_CHANNELS else "link",
        language=language,
        touchpoint_id=touchpoint,
        unit_id=places.units.get(form.get("unit") or "") or places.owners.get(touchpoint or 0),
        fingerprint=responses.fingerprint(live.id, _address(request), agent, answers),
    )
    writer: ResponseWriter = request.app.state.response_writer
    outcome = await asyncio.wrap_future(writer.submit(prepared))
    if outcome == "closed":
        return _message(request, language, "closed", 410)
    embed = {"embed": "1"} if form.get("embed") == "1" else {}
    thanks = f"/s/{live.public_id}/thanks?{urlencode({'lang': language, **embed})}"
    return RedirectResponse(thanks, status_code=303)


@router.get("/s/{public_id}/thanks", response_class=HTMLResponse)
def anonymous_thanks(public_id: str, request: Request, database: AppDatabase) -> Response:
    with database.transaction() as session:
        visit = _anonymous_visit(session, public_id, request, request.query_params)
        if not isinstance(visit, Visit):
            return visit
        return _thanks(request, visit, request.query_params.get("lang"))


def _anonymous_visit(
    session: Session, public_id: str, request: Request, params: Any
) -> Visit | Response:
    try:
        survey = get_by_public_id(session, public_id)
    except NotFound:
        return _message(request, None, "not_found", 404)
    if survey.status != "published":
        return _message(request, _survey_language(survey), "closed", 410)
    definition = published_definition(session, survey)
    channel = params.get("via") if params.get("via") in ANONYMOUS_CHANNELS else "link"
    touchpoint = touchpoint_ids(session).get(params.get("tp") or "") or survey.touchpoint_id
    unit = unit_id(session, params.get("unit") or "") or touchpoint_owner(session, touchpoint)
    carry = {
        name: str(params.get(name))
        for name in ("via", "tp", "unit", "embed")
        if params.get(name) and len(str(params.get(name))) <= 64
    }
    visit = Visit(
        survey=survey,
        definition=definition,
        base=f"/s/{survey.public_id}",
        origin=responses.Origin(
            channel=channel,
            language=definition.languages[0],
            touchpoint_id=touchpoint,
            unit_id=unit,
        ),
        carry=carry,
        embed=params.get("embed") == "1",
    )
    resume = params.get("r") or request.cookies.get(visit.cookie)
    if resume:
        found = session.scalar(
            select(SurveyResponse).where(
                SurveyResponse.resume_hash == hash_secret(str(resume)[:100])
            )
        )
        if found is not None and found.survey_id == survey.id and not found.complete:
            visit.response = found
            visit.carry["r"] = str(resume)
    return visit


class AnswerShortcut:
    """Answers to anonymous links, taken before the framework's routing and handlers.

    The busiest public route: FastAPI's exception layers, nested routers and dependency
    solving cost more than storing the answer itself.
    """

    PATH = re.compile(r"^/s/([A-Za-z0-9_\-]{1,32})$")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            found = self.PATH.match(scope["path"])
            if found is not None:
                scope = {**scope, "path_params": {"public_id": found.group(1)}}
                response = await anonymous_answer(Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


# --- invitations -------------------------------------------------------------------------


@router.get("/i/{token}", response_class=HTMLResponse)
def invitation_page(token: str, request: Request, database: AppDatabase) -> Response:
    params = request.query_params
    with database.transaction() as session:
        visit = _invitation_visit(session, token, request)
        if not isinstance(visit, Visit):
            return visit
        language = _language(request, visit, params.get("lang"))
        page = page_to_show(visit.definition, visit.answers, params.get("p"))
        return _render(request, visit, language, page, visit.answers)


@router.post("/i/{token}", response_class=HTMLResponse)
async def invitation_answer(token: str, request: Request, database: AppDatabase) -> Response:
    form = await _read_form(request)
    if isinstance(form, Response):
        return form
    return await run_in_threadpool(
        _answer, database, request, form, lambda session: _invitation_visit(session, token, request)
    )


@router.get("/i/{token}/thanks", response_class=HTMLResponse)
def invitation_thanks(token: str, request: Request, database: AppDatabase) -> Response:
    with database.transaction() as session:
        invitation = _invitation(session, token)
        if invitation is None:
            return _message(request, None, "not_found", 404)
        survey = session.get(Survey, invitation.survey_id)
        assert survey is not None
        definition = published_definition(session, survey)
        visit = Visit(survey, definition, f"/i/{token}", responses.Origin("invitation", "fi"))
        return _thanks(request, visit, request.query_params.get("lang") or invitation.language)


def _invitation(session: Session, token: str) -> Invitation | None:
    """The invitation a link names: the latest message's, or the first one's after a reminder."""
    hashed = hash_secret(token[:100])
    found = session.scalar(select(Invitation).where(Invitation.token_hash == hashed))
    if found is None:
        found = session.scalar(select(Invitation).where(Invitation.earlier_token_hash == hashed))
    return found


def _invitation_visit(session: Session, token: str, request: Request) -> Visit | Response:
    invitation = _invitation(session, token)
    if invitation is None:
        return _message(request, None, "not_found", 404)
    survey = session.get(Survey, invitation.survey_id)
    assert survey is not None
    language = invitation.language
    if invitation.status == "responded":
        return _message(request, language, "answered", 409)
    if survey.status != "published" or (
        invitation.expires_at is not None and invitation.expires_at < utcnow()
    ):
        return _message(request, language, "closed", 410)
    existing = session.scalar(
        select(SurveyResponse).where(SurveyResponse.invitation_id == invitation.id)
    )
    if existing is not None and existing.complete:
        return _message(request, language, "answered", 409)
    # A partial response keeps answering the version it started on.
    definition = (
        version_definition(session, survey, existing.survey_version)
        if existing is not None
        else published_definition(session, survey)
    )
    return Visit(
        survey=survey,
        definition=definition,
        base=f"/i/{token}",
        origin=responses.Origin(
            channel="invitation",
            language=language or definition.languages[0],
            customer_id=invitation.customer_id,
            invitation_id=invitation.id,
            event_id=invitation.event_id,
            touchpoint_id=invitation.touchpoint_id,
            unit_id=invitation.unit_id,
        ),
        invitation=invitation,
        response=existing,
    )


# --- answering ---------------------------------------------------------------------------


def _answer(
    database: Database,
    request: Request,
    form: dict[str, Any],
    find: Callable[[Session], Visit | Response],
) -> Response:
    with database.write_transaction() as session:
        visit = find(session)
        if not isinstance(visit, Visit):
            return visit
        language = _language(request, visit, form.get("lang"))
        all_pages = pages(visit.definition)
        number = bounded_int(form.get("p"), 0, len(all_pages) - 1)
        page = all_pages[number]
        errors: dict[str, str] = {}
        ui = UI[language]
        raw = {question.key: _raw(question, form) for question in page}
        answers = visit.answers
        try:
            answers = read_page(visit.definition, page, raw, answers)
        except InvalidInput as error:
            key = error.field.split(".")[1]
            errors[key] = ui["error_invalid"]
            answers = read_page(visit.definition, [q for q in page if q.key != key], raw, answers)
        if form.get("nav") == "back":
            _keep(session, visit, answers, language, request)
            previous = shown_pages(visit.definition, answers, before=number)
            return _render(request, visit, language, previous[-1] if previous else 0, answers)
        missing = missing_required(visit.definition, answers, upto=number)
        if missing is not None and any(question.key == missing for question in page):
            errors.setdefault(missing, ui["error_required"])
        if errors:
            return _render(request, visit, language, number, answers, errors, status_code=422)
        later = shown_pages(visit.definition, answers, after=number)
        if later:
            _keep(session, visit, answers, language, request)
            return _render(request, visit, language, later[0], answers, set_cookie=True)
        return _finish(session, request, visit, answers, language)


def _keep(
    session: Session, visit: Visit, answers: Answers, language: str, request: Request
) -> None:
    if visit.response is None:
        resume = None
        if visit.invitation is None:
            resume = secrets.token_urlsafe(24)
            visit.carry["r"] = resume
        visit.response = responses.start(
            session,
            visit.survey,
            visit.definition,
            visit.origin,
            resume_hash=hash_secret(resume) if resume else None,
        )
    responses.save_partial(visit.response, answers, language)


def _finish(
    session: Session, request: Request, visit: Visit, answers: Answers, language: str
) -> Response:
    now = utcnow()
    thanks = f"{visit.base}/thanks?{urlencode({'lang': language, **_embed(visit)})}"
    print_ = None
    if visit.invitation is None:
        print_ = responses.fingerprint(
            visit.survey.id, _address(request), request.headers.get("user-agent", "")[:300], answers
        )
        if responses.is_duplicate(session, visit.survey.id, print_, now):
            if visit.response is not None:
                session.delete(visit.response)
            return _forget(RedirectResponse(thanks, status_code=303), visit)
    response = visit.response or responses.start(
        session, visit.survey, visit.definition, visit.origin
    )
    response.language = language
    responses.complete(
        session,
        response,
        visit.definition,
        answers,
        touchpoint_ids(session),
        fingerprint=print_,
        submitted_at=now,
    )
    return _forget(RedirectResponse(thanks, status_code=303), visit)


def _forget(answer: Response, visit: Visit) -> Response:
    if visit.invitation is None:
        answer.delete_cookie(visit.cookie, path=visit.base)
    return answer


def _raw(question: Question, form: dict[str, Any]) -> Any:
    name = f"q.{question.key}"
    if question.type == "multi_choice":
        return form.get(name + "[]", [])
    if question.type == "checklist":
        return {item: form.get(f"{name}.{item}") for item in question.option_keys()}
    return form.get(name)


# --- drawing -----------------------------------------------------------------------------


def _render(
    request: Request,
    visit: Visit,
    language: str,
    number: int,
    answers: Answers,
    errors: dict[str, str] | None = None,
    *,
    status_code: int = 200,
    set_cookie: bool = False,
) -> Response:
    definition = visit.definition
    all_pages = pages(definition)
    shown = shown_pages(definition, answers)
    if number not in shown:
        number = shown[0] if shown else 0
    questions = [q for q in all_pages[number] if is_shown(q, answers)]
    plan = page_plan(definition, answers, number)
    ui = UI[language]

    def t(texts: Texts | None) -> str:
        return _translate(texts, language, definition)

    def query(**changes: str) -> str:
        return urlencode({**{k: v for k, v in visit.carry.items() if k != "r"}, **changes})

    def question_text(key: str) -> str:
        return t(definition.question(key).text)

    context = {
        "lang": language,
        "languages": definition.languages,
        "language_names": LANGUAGE_NAMES,
        "ui": ui,
        "t": t,
        "query": query,
        "question_text": question_text,
        "title": t(definition.title),
        "intro": t(definition.intro) if definition.intro else "",
        "anonymous": definition.anonymous,
        "base": visit.base,
        "carry": visit.carry,
        "embed": visit.embed,
        "questions": questions,
        "answers": answers,
        "errors": errors or {},
        "page_number": number,
        "position": plan.index(number) + 1,
        "page_count": len(plan),
        "last": number == plan[-1],
        "text_max": TEXT_MAX_CHARS,
    }
    answer = templates.TemplateResponse(
        request, "surveys/page.html", context, status_code=status_code
    )
    _page_headers(request, answer)
    if set_cookie and visit.invitation is None and "r" in visit.carry:
        answer.set_cookie(
            visit.cookie,
            visit.carry["r"],
            max_age=RESUME_DAYS * 86400,
            path=visit.base,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return answer


def _thanks(request: Request, visit: Visit, asked: str | None) -> Response:
    language = _language(request, visit, asked)
    definition = visit.definition
    thanks = _translate(definition.thanks, language, definition) if definition.thanks else ""
    context = {
        "lang": language,
        "ui": UI[language],
        "title": UI[language]["thanks_title"],
        "thanks": thanks,
        "embed": visit.embed or request.query_params.get("embed") == "1",
    }
    answer = templates.TemplateResponse(request, "surveys/thanks.html", context)
    _page_headers(request, answer)
    return answer


def _message(request: Request, language: str | None, what: str, status_code: int) -> Response:
    language = (
        language
        if language in UI
        else choose_language(list(UI), None, None, request.headers.get("accept-language"))
    )
    ui = UI[language]
    context = {"lang": language, "ui": ui, "title": "Kokemus", "message": ui[what], "embed": False}
    answer = templates.TemplateResponse(
        request, "surveys/message.html", context, status_code=status_code
    )
    _page_headers(request, answer)
    return answer


def _page_headers(request: Request, answer: Response) -> None:
    ancestors = request.app.state.settings.survey_frame_ancestors
    answer.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        f"base-uri 'none'; frame-ancestors {ancestors}"
    )
    answer.headers["X-Content-Type-Options"] = "nosniff"
    # The invitation token is in the address: never pass it on to another site.
    answer.headers["Referrer-Policy"] = "no-referrer"
    answer.headers["Cache-Control"] = "no-store"


def _translate(texts: Texts | None, language: str, definition: SurveyDefinition) -> str:
    if not texts:
        return ""
    # Publishing refuses missing translations; a draft preview falls back to a language it has.
    for candidate in (language, *definition.languages):
        if texts.get(candidate):  # type: ignore[call-overload]
            return str(texts[candidate])  # type: ignore[index]
    return next(iter(texts.values()))


# --- helpers -----------------------------------------------------------------------------


def _language(request: Request, visit: Visit, asked: str | None) -> str:
    # A resumed response keeps the language it was started in.
    invited = visit.response.language if visit.response is not None else None
    if visit.invitation is not None and invited is None:
        invited = visit.invitation.language
    return choose_language(
        list(visit.definition.languages), asked, invited, request.headers.get("accept-language")
    )


def _survey_language(survey: Survey) -> str | None:
    languages = survey.definition.get("languages") or []
    return str(languages[0]) if languages else None


def _embed(visit: Visit) -> dict[str, str]:
    return {"embed": "1"} if visit.embed else {}


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _read_form(request: Request) -> dict[str, Any] | Response:
    """The posted form, read up to FORM_LIMIT bytes; repeated names become lists (`x[]`)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return _message(request, None, "error_invalid", 415)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > FORM_LIMIT:
        return _message(request, None, "error_invalid", 413)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > FORM_LIMIT:
            return _message(request, None, "error_invalid", 413)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=1000)
    except (UnicodeDecodeError, ValueError):
        return _message(request, None, "error_invalid", 400)
    form: dict[str, Any] = {}
    for name, value in pairs:
        form[name] = value
        form.setdefault(name + "[]", []).append(value)
    return form
