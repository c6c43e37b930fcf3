"""The story wall: customer stories for a unit, to read together and print."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kokemus.api.deps import DbSession
from kokemus.customers.access import scoped_touchpoint_ids, scoped_unit_ids
from kokemus.enrich.story_wall import WallRequest, story_wall
from kokemus.errors import DomainError
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.store.base import utcnow
from kokemus.text.stories import Story
from kokemus.text.story_reasons import story_reason_text
from kokemus.text.themes import default_taxonomy
from kokemus.web import layout
from kokemus.web.auth import CurrentUser
from kokemus.web.story_texts import TEXTS

router = APIRouter(include_in_schema=False)

Key = Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9_\-]*$")]
DAYS = (30, 90, 365)


@router.get("/stories", response_class=HTMLResponse)
def wall(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    unit: Key = "",
    touchpoint: Key = "",
    theme: Key = "",
    days: Annotated[int, Query(ge=1, le=3660)] = 90,
    group_by: Annotated[Literal["touchpoint", "theme", "unit"], Query()] = "touchpoint",
) -> Response:
    texts = TEXTS.get(user.language, TEXTS["en"])
    errors: list[str] = []
    stories: list[Story] = []
    try:
        stories = story_wall(
            session,
            WallRequest(unit or None, touchpoint or None, theme or None, days, group_by),
            now=utcnow(),
            visible_touchpoints=scoped_touchpoint_ids(session, user),
            visible_units=scoped_unit_ids(session, user),
        )
    except DomainError as error:
        errors.append(str(error))
    labels = default_taxonomy().labels
    theme_names = {
        key: names.get(user.language) or names.get("en") or key for key, names in labels.items()
    }
    touchpoint_names = dict(
        session.execute(select(Touchpoint.key, Touchpoint.name).order_by(Touchpoint.position)).all()
    )
    units = [
        (key, name)
        for key, name in session.execute(select(Unit.key, Unit.name).order_by(Unit.name))
    ]
    context = {
        "st": texts,
        "errors": errors,
        "groups": _grouped(stories, user.language, theme_names),
        "chosen": {"unit": unit, "touchpoint": touchpoint, "theme": theme, "days": days},
        "group_by": group_by,
        "days_options": DAYS,
        "units": units,
        "unit_names": dict(units),
        "touchpoint_names": touchpoint_names,
        "theme_names": theme_names,
    }
    return layout.render(
        request,
        user,
        "stories/wall.html",
        context,
        title=texts["title"],
        status_code=422 if errors else 200,
    )


def _grouped(
    stories: list[Story], lang: str, theme_names: dict[str, str]
) -> list[tuple[str | None, list[tuple[Story, str]]]]:
    """Stories by their group's value, each with why it was chosen in the user's language."""
    groups: dict[str | None, list[tuple[Story, str]]] = {}
    for story in stories:
        value = story.group[0][1] if story.group else None
        why = story_reason_text(story.why, lang, theme_names)
        groups.setdefault(value, []).append((story, why))
    return list(groups.items())
