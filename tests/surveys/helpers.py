"""Putting surveys in the store through the real services, for tests."""

import re

from sqlalchemy import select

from kokemus.store import Database
from kokemus.surveys import catalog, service
from kokemus.surveys.definition import SurveyDefinition, load_definition_text
from kokemus.surveys.models import Answer, Response, Survey


def publish(database: Database, definition: SurveyDefinition | str) -> Survey:
    if isinstance(definition, str):
        definition = load_definition_text(definition)
    with database.transaction() as session:
        survey = service.create_survey(session, definition)
        service.publish(session, survey)
        return survey


def publish_template(database: Database, name: str) -> Survey:
    return publish(database, catalog.load_template(name))


def responses(database: Database, survey_id: int) -> list[Response]:
    with database.transaction() as session:
        return list(
            session.scalars(
                select(Response).where(Response.survey_id == survey_id).order_by(Response.id)
            )
        )


def answer_rows(
    database: Database, response_id: int
) -> list[tuple[str, float | None, str | None, str | None]]:
    with database.transaction() as session:
        rows = session.execute(
            select(Answer.question_key, Answer.number, Answer.text, Answer.item)
            .where(Answer.response_id == response_id)
            .order_by(Answer.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def resume_field(html: str) -> str:
    found = re.search(r'name="r" value="([^"]+)"', html)
    assert found, "the page carries no resume token"
    return found.group(1)
