from kokemus.store import Database
from kokemus.surveys import service
from kokemus.surveys.submit import (
    JourneyPlaces,
    PreparedResponse,
    PublishedSurveys,
    ResponseWriter,
    prepare,
)
from tests.factories import load_default_journey
from tests.surveys.helpers import answer_rows, publish, responses

SURVEY = """
key: counter
languages: [fi]
title: {fi: Kassa}
touchpoint: store-visit
questions:
  - {key: stars, type: rating, required: true, text: {fi: Tähdet}}
  - {key: expect, type: expectation, text: {fi: Odotukset}}
  - key: seen
    type: checklist
    text: {fi: Havainnot}
    items: [{key: greet, text: {fi: Tervehti}}, {key: thank, text: {fi: Kiitti}}]
"""


def prepared(database: Database, public_id: str, stars: int, print_: str) -> PreparedResponse:
    live = PublishedSurveys(database).load(public_id)
    assert live is not None
    places = JourneyPlaces(database).load()
    return prepare(
        live,
        places,
        {"stars": stars, "expect": 4, "seen": {"greet": True, "thank": False}},
        channel="qr",
        language="fi",
        touchpoint_id=live.touchpoint_id,
        unit_id=places.owners.get(live.touchpoint_id or 0),
        fingerprint=print_,
    )


def test_answers_sent_together_are_stored_together_and_duplicates_once(
    database: Database,
) -> None:
    load_default_journey(database)
    survey = publish(database, SURVEY)
    writer = ResponseWriter(database)
    try:
        items = [prepared(database, survey.public_id, 1 + n % 5, f"print-{n}") for n in range(40)]
        items.append(prepared(database, survey.public_id, 3, "print-7"))  # the same again
        futures = [writer.submit(item) for item in items]
        outcomes = [future.result(timeout=30) for future in futures]
    finally:
        writer.close()
    assert outcomes.count("stored") == 40
    assert outcomes[-1] == "duplicate"
    stored = responses(database, survey.id)
    assert len(stored) == 40
    assert len({response.id for response in stored}) == 40
    first = stored[0]
    assert first.complete
    assert first.channel == "qr"
    assert first.answers == {"stars": 1, "expect": 4, "seen": {"greet": True, "thank": False}}
    with database.transaction() as session:
        assert first.touchpoint_id == service.touchpoint_ids(session)["store-visit"]
        assert first.unit_id == service.unit_id(session, "store")
    assert answer_rows(database, first.id) == [
        ("stars", 1.0, None, None),
        ("expect", 4.0, "excellent", None),
        ("seen", 1.0, None, "greet"),
        ("seen", 0.0, None, "thank"),
    ]


def test_answers_to_a_survey_closed_meanwhile_are_refused(database: Database) -> None:
    load_default_journey(database)
    survey = publish(database, SURVEY)
    item = prepared(database, survey.public_id, 5, "print")
    with database.transaction() as session:
        service.close(session, service.get_survey(session, "counter"))
    writer = ResponseWriter(database)
    try:
        assert writer.submit(item).result(timeout=30) == "closed"
    finally:
        writer.close()
    assert responses(database, survey.id) == []
