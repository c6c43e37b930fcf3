"""Checksums of what the demo stored, in its own terms (keys, names, times), not row ids:
two builds compare equal across stores when they hold the same data."""

import hashlib
from typing import Any

import orjson
from sqlalchemy import select

from kokemus.customers.models import Identity
from kokemus.enrich.models import TextAnalysisRecord
from kokemus.ingest.models import Event, Source
from kokemus.journeys.models import Unit
from kokemus.store import Database
from kokemus.surveys.models import Answer, Invitation, Response, Survey


def fingerprints(database: Database) -> dict[str, str]:
    with database.transaction() as session:
        sources = dict(session.execute(select(Source.id, Source.name)).all())
        units = dict(session.execute(select(Unit.id, Unit.key)).all())
        surveys = dict(session.execute(select(Survey.id, Survey.key)).all())
        tables: dict[str, list[Any]] = {
            "events": [
                (sources[source], message, name, _time(at), properties)
                for source, message, name, at, properties in session.execute(
                    select(
                        Event.source_id,
                        Event.message_id,
                        Event.name,
                        Event.occurred_at,
                        Event.properties,
                    )
                )
            ],
            "identities": [
                (kind, sources.get(scope, ""), value)
                for kind, scope, value in session.execute(
                    select(Identity.kind, Identity.scope, Identity.value)
                )
            ],
            "invitations": [
                (surveys[survey], status, language, email, *map(_time, times))
                for survey, status, language, email, *times in session.execute(
                    select(
                        Invitation.survey_id,
                        Invitation.status,
                        Invitation.language,
                        Invitation.email,
                        Invitation.send_at,
                        Invitation.sent_at,
                        Invitation.reminded_at,
                        Invitation.responded_at,
                    )
                )
            ],
            "responses": [
                (surveys[survey], channel, language, units.get(unit), _time(at), answers)
                for survey, channel, language, unit, at, answers in session.execute(
                    select(
                        Response.survey_id,
                        Response.channel,
                        Response.language,
                        Response.unit_id,
                        Response.submitted_at,
                        Response.answers,
                    )
                )
            ],
            "answers": [
                (surveys[survey], key, number, text, item, _time(at))
                for survey, key, number, text, item, at in session.execute(
                    select(
                        Answer.survey_id,
                        Answer.question_key,
                        Answer.number,
                        Answer.text,
                        Answer.item,
                        Answer.answered_at,
                    )
                )
            ],
            "texts": [
                (language, sentiment, round(score, 6), themes, redacted)
                for language, sentiment, score, themes, redacted in session.execute(
                    select(
                        TextAnalysisRecord.language,
                        TextAnalysisRecord.sentiment,
                        TextAnalysisRecord.score,
                        TextAnalysisRecord.themes,
                        TextAnalysisRecord.redacted,
                    )
                )
            ],
        }
    return {name: _digest(rows) for name, rows in tables.items()}


def _time(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _digest(rows: list[Any]) -> str:
    encoded = sorted(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) for row in rows)
    return hashlib.sha256(b"\n".join(encoded)).hexdigest()
