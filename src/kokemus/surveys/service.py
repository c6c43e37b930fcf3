"""Surveys: create, edit, publish and close; the published definition respondents answer."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kokemus.errors import Conflict, NotFound
from kokemus.journeys.models import Touchpoint, Unit
from kokemus.store.base import utcnow
from kokemus.surveys.definition import (
    DefinitionError,
    SurveyDefinition,
    parse_definition,
    publish_problems,
)
from kokemus.surveys.models import Invitation, Response, Survey, SurveyVersion


def create_survey(session: Session, definition: SurveyDefinition) -> Survey:
    if session.scalar(select(Survey.id).where(Survey.key == definition.key)) is not None:
        raise Conflict(f"a survey with key {definition.key!r} exists already")
    survey = Survey(
        key=definition.key,
        kind=definition.kind,
        status="draft",
        definition=definition.model_dump(mode="json", exclude_none=True),
        public_id=secrets.token_urlsafe(12),
    )
    session.add(survey)
    session.flush()
    return survey


def update_definition(session: Session, survey: Survey, definition: SurveyDefinition) -> None:
    """Replace the draft; respondents keep answering the published version until republished."""
    if definition.key != survey.key:
        raise Conflict(
            f"the definition's key {definition.key!r} is not this survey's {survey.key!r}"
        )
    if survey.status == "closed":
        raise Conflict(f"survey {survey.key!r} is closed; reopen it by publishing again")
    survey.definition = definition.model_dump(mode="json", exclude_none=True)
    survey.kind = definition.kind
    survey.updated_at = utcnow()
    session.flush()


def get_survey(session: Session, ref: str | int) -> Survey:
    """A survey by its id or its key."""
    text = str(ref)
    # Digits name an id when they fit one; longer digit strings can only be keys.
    by_id = text.isdigit() and len(text) <= 9
    condition = Survey.id == int(text) if by_id else Survey.key == text
    survey = session.scalar(select(Survey).where(condition))
    if survey is None:
        raise NotFound(f"no survey {text!r}")
    return survey


def get_by_public_id(session: Session, public_id: str) -> Survey:
    survey = session.scalar(select(Survey).where(Survey.public_id == public_id[:32]))
    if survey is None:
        raise NotFound("no such survey")
    return survey


def draft_definition(survey: Survey) -> SurveyDefinition:
    return parse_definition(survey.definition)


def publish(session: Session, survey: Survey) -> int:
    """Check the draft is complete, then make it what respondents see; the new version."""
    definition = draft_definition(survey)
    touchpoints = touchpoint_ids(session)
    problems = publish_problems(definition, set(touchpoints))
    if problems:
        raise DefinitionError([f"cannot publish {survey.key!r}: {problems[0]}", *problems[1:]])
    version = (survey.published_version or 0) + 1
    session.add(SurveyVersion(survey_id=survey.id, version=version, definition=survey.definition))
    survey.published_version = version
    survey.status = "published"
    survey.touchpoint_id = touchpoints.get(definition.touchpoint or "")
    survey.published_at = survey.updated_at = utcnow()
    survey.closed_at = None
    session.flush()
    return version


def close(session: Session, survey: Survey) -> None:
    if survey.status != "published":
        raise Conflict(f"survey {survey.key!r} is {survey.status}, not published")
    survey.status = "closed"
    survey.closed_at = survey.updated_at = utcnow()
    session.flush()


def published_definition(session: Session, survey: Survey) -> SurveyDefinition:
    if survey.published_version is None:
        raise NotFound(f"survey {survey.key!r} has not been published")
    return version_definition(session, survey, survey.published_version)


def version_definition(session: Session, survey: Survey, version: int) -> SurveyDefinition:
    # A published version never changes: its parsed form is kept by the survey's random
    # public id (unique across stores, unlike its row id) and the version.
    cache_key = (survey.public_id, version)
    hit = _versions.get(cache_key)
    if hit is not None:
        return hit
    document = session.scalar(
        select(SurveyVersion.definition).where(
            SurveyVersion.survey_id == survey.id, SurveyVersion.version == version
        )
    )
    if document is None:
        raise NotFound(f"survey {survey.key!r} has no version {version}")
    definition = SurveyDefinition.model_validate(document)
    if len(_versions) > 512:
        _versions.clear()
    _versions[cache_key] = definition
    return definition


_versions: dict[tuple[str, int], SurveyDefinition] = {}


def touchpoint_ids(session: Session) -> dict[str, int]:
    rows = session.execute(select(Touchpoint.key, Touchpoint.id).where(Touchpoint.active))
    return {str(key): int(touchpoint_id) for key, touchpoint_id in rows}


def touchpoint_owner(session: Session, touchpoint_id: int | None) -> int | None:
    if touchpoint_id is None:
        return None
    return session.scalar(select(Touchpoint.owner_unit_id).where(Touchpoint.id == touchpoint_id))


def unit_id(session: Session, key: str) -> int | None:
    return session.scalar(select(Unit.id).where(Unit.key == key))


@dataclass(frozen=True)
class SurveySummary:
    id: int
    key: str
    kind: str
    status: str
    title: str
    version: int | None
    responses: int
    invitations: int
    updated_at: datetime


def _counts(session: Session, query: Select[int, int]) -> dict[int, int]:
    grouped = query.group_by(query.selected_columns[0])
    return {int(row[0]): int(row[1]) for row in session.execute(grouped)}


def list_surveys(session: Session) -> list[SurveySummary]:
    responses = _counts(session, select(Response.survey_id, func.count()).where(Response.complete))
    invitations = _counts(session, select(Invitation.survey_id, func.count()))
    summaries = []
    for survey in session.scalars(select(Survey).order_by(Survey.id)):
        title = survey.definition.get("title", {})
        summaries.append(
            SurveySummary(
                id=survey.id,
                key=survey.key,
                kind=survey.kind,
                status=survey.status,
                title=next(iter(title.values()), survey.key) if title else survey.key,
                version=survey.published_version,
                responses=responses.get(survey.id, 0),
                invitations=invitations.get(survey.id, 0),
                updated_at=survey.updated_at,
            )
        )
    return summaries
