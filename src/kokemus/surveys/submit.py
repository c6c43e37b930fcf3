"""The fast path for complete anonymous answers: prepared outside the lock, stored in groups.

Most answers to a QR code or a widget arrive complete in one post. Each is checked and
turned into rows where it arrives; a writer thread then stores every answer that arrived
meanwhile in one transaction, straight through the driver's bulk path, and each caller
hears back after the commit. Partial answers, invitations and the API take the ORM path.
"""

import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.journeys.models import Touchpoint, Unit
from kokemus.metrics import rollups
from kokemus.metrics.rollups import ScaleAnswer
from kokemus.store import Database, dialect
from kokemus.store.base import utcnow
from kokemus.store.group_commit import GroupCommit
from kokemus.surveys.answers import Answers
from kokemus.surveys.definition import SurveyDefinition
from kokemus.surveys.models import Survey
from kokemus.surveys.responses import DUPLICATE_WINDOW, flat_values
from kokemus.surveys.service import version_definition

Outcome = Literal["stored", "duplicate", "closed"]
# question key, question type, touchpoint id, number, text, item
AnswerRow = tuple[str, str, int | None, float | None, str | None, str | None]
MAX_PER_TRANSACTION = 2000
RESPONSE_COLUMNS = (
    "id",
    "survey_id",
    "survey_version",
    "touchpoint_id",
    "unit_id",
    "channel",
    "language",
    "complete",
    "answers",
    "fingerprint",
    "started_at",
    "updated_at",
    "submitted_at",
)
ANSWER_COLUMNS = (
    "response_id",
    "survey_id",
    "question_key",
    "question_type",
    "touchpoint_id",
    "number",
    "text",
    "item",
    "answered_at",
)


@dataclass(frozen=True)
class LiveSurvey:
    """What answering a published survey needs, kept in memory for a moment."""

    id: int
    public_id: str
    key: str
    status: str
    version: int | None
    touchpoint_id: int | None
    definition: SurveyDefinition | None


class PublishedSurveys:
    """Surveys by public id, each re-read after `ttl` seconds.

    A survey closed meanwhile is still refused: the writer checks every survey's status
    again in the transaction that stores the answers.
    """

    def __init__(self, database: Database, ttl: float = 5.0) -> None:
        self._database = database
        self._ttl = ttl
        self._surveys: dict[str, tuple[float, LiveSurvey | None]] = {}

    def cached(self, public_id: str) -> LiveSurvey | None | bool:
        """The survey, None if there is none, or False when it must be read first."""
        hit = self._surveys.get(public_id)
        if hit is None or hit[0] < time.monotonic():
            return False
        return hit[1]

    def load(self, public_id: str) -> LiveSurvey | None:
        with self._database.transaction() as session:
            survey = session.scalar(select(Survey).where(Survey.public_id == public_id[:32]))
            live = None
            if survey is not None:
                definition = (
                    version_definition(session, survey, survey.published_version)
                    if survey.published_version is not None
                    else None
                )
                live = LiveSurvey(
                    id=survey.id,
                    public_id=survey.public_id,
                    key=survey.key,
                    status=survey.status,
                    version=survey.published_version,
                    touchpoint_id=survey.touchpoint_id,
                    definition=definition,
                )
        if len(self._surveys) > 10_000:
            self._surveys.clear()
        self._surveys[public_id[:32]] = (time.monotonic() + self._ttl, live)
        return live


@dataclass(frozen=True)
class Places:
    touchpoints: dict[str, int]
    owners: dict[int, int | None]
    units: dict[str, int]


class JourneyPlaces:
    """Touchpoint and unit keys for links (`?tp=`, `?unit=`), re-read after `ttl` seconds."""

    def __init__(self, database: Database, ttl: float = 10.0) -> None:
        self._database = database
        self._ttl = ttl
        self._places: tuple[float, Places] | None = None

    def cached(self) -> Places | None:
        if self._places is None or self._places[0] < time.monotonic():
            return None
        return self._places[1]

    def load(self) -> Places:
        with self._database.transaction() as session:
            touchpoints = session.execute(
                select(Touchpoint.key, Touchpoint.id, Touchpoint.owner_unit_id).where(
                    Touchpoint.active
                )
            ).all()
            units = session.execute(select(Unit.key, Unit.id)).all()
        places = Places(
            touchpoints={key: touchpoint_id for key, touchpoint_id, _ in touchpoints},
            owners={touchpoint_id: owner for _, touchpoint_id, owner in touchpoints},
            units=dict(units),
        )
        self._places = (time.monotonic() + self._ttl, places)
        return places


@dataclass
class PreparedResponse:
    survey_id: int
    version: int
    touchpoint_id: int | None
    unit_id: int | None
    channel: str
    language: str
    answers: Answers
    fingerprint: str
    rows: list["AnswerRow"]
    received_at: datetime = field(default_factory=utcnow)


def prepare(
    live: LiveSurvey,
    places: Places,
    answers: Answers,
    *,
    channel: str,
    language: str,
    touchpoint_id: int | None,
    unit_id: int | None,
    fingerprint: str,
) -> PreparedResponse:
    assert live.definition is not None
    assert live.version is not None
    rows: list[AnswerRow] = []
    for question in live.definition.questions:
        value = answers.get(question.key)
        if value is None:
            continue
        touchpoint = places.touchpoints.get(question.touchpoint or "", touchpoint_id)
        for number, text, item in flat_values(question, value):
            rows.append((question.key, question.type, touchpoint, number, text, item))
    return PreparedResponse(
        survey_id=live.id,
        version=live.version,
        touchpoint_id=touchpoint_id,
        unit_id=unit_id,
        channel=channel,
        language=language,
        answers=answers,
        fingerprint=fingerprint,
        rows=rows,
    )


class ResponseWriter:
    """Stores prepared responses in groups; see the module's comment."""

    def __init__(self, database: Database) -> None:
        self._group: GroupCommit[PreparedResponse, Outcome] = GroupCommit(
            database, store_prepared, limit=MAX_PER_TRANSACTION, name="kokemus-response-writer"
        )

    def submit(self, prepared: PreparedResponse) -> "Future[Outcome]":
        return self._group.submit(prepared)

    def close(self) -> None:
        self._group.close()


def store_prepared(session: Session, group: list[PreparedResponse]) -> list[Outcome]:
    """Store what is new and for a published survey; the caller commits."""
    dialect.take_write_lock(session, "surveys")
    now = utcnow()
    survey_ids = sorted({prepared.survey_id for prepared in group})
    published = {
        row[0]
        for row in dialect.select_matching(
            session, "surveys", "id", "id", survey_ids, "status = {p}", ("published",)
        )
    }
    seen = _recent_fingerprints(session, group, now - DUPLICATE_WINDOW)
    outcomes: list[Outcome] = []
    kept: list[PreparedResponse] = []
    for prepared in group:
        mark = (prepared.survey_id, prepared.fingerprint)
        if prepared.survey_id not in published:
            outcomes.append("closed")
        elif mark in seen:
            outcomes.append("duplicate")
        else:
            seen.add(mark)
            kept.append(prepared)
            outcomes.append("stored")
    ids = dialect.allocate_ids(session, "survey_responses", len(kept))
    stamp = dialect.timestamp(session, now)
    truth: Any = True if dialect.name(session) == "postgresql" else 1
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    for response_id, prepared in zip(ids, kept, strict=True):
        received = dialect.timestamp(session, prepared.received_at)
        responses.append(
            (
                response_id,
                prepared.survey_id,
                prepared.version,
                prepared.touchpoint_id,
                prepared.unit_id,
                prepared.channel,
                prepared.language,
                truth,
                orjson.dumps(prepared.answers).decode(),
                prepared.fingerprint,
                received,
                stamp,
                stamp,
            )
        )
        answers.extend(
            (response_id, prepared.survey_id, *row[:5], row[5], stamp) for row in prepared.rows
        )
    dialect.insert_rows(session, "survey_responses", RESPONSE_COLUMNS, responses)
    dialect.insert_rows(session, "survey_answers", ANSWER_COLUMNS, answers)
    rollups.add_answers(session, _scale_answers(kept, now))
    return outcomes


def _scale_answers(kept: list[PreparedResponse], now: datetime) -> list[ScaleAnswer]:
    return [
        ScaleAnswer(
            prepared.survey_id,
            key,
            question_type,
            touchpoint,
            prepared.unit_id,
            prepared.channel,
            prepared.language,
            int(number),
            now,
        )
        for prepared in kept
        for key, question_type, touchpoint, number, _, _ in prepared.rows
        if number is not None and rollups.is_scale_answer(question_type, number)
    ]


def _recent_fingerprints(
    session: Session, group: list[PreparedResponse], since: datetime
) -> set[tuple[int, str]]:
    prints = sorted({prepared.fingerprint for prepared in group})
    if not prints:
        return set()
    # By the fingerprint index alone: the survey and the time are checked here, because
    # with them in the query SQLite picks the (survey, time) index and reads a whole day.
    rows = []
    for start in range(0, len(prints), dialect.SQLITE_CHUNK):
        chunk = prints[start : start + dialect.SQLITE_CHUNK]
        marks = ", ".join("{p}" for _ in chunk)
        rows += dialect.run(
            session,
            "SELECT survey_id, fingerprint, submitted_at FROM survey_responses "
            f"WHERE fingerprint IN ({marks})",
            chunk,
        )
    cutoff = dialect.timestamp(session, since)
    return {(row[0], row[1]) for row in rows if row[2] is not None and row[2] >= cutoff}
