import pytest
import yaml
from sqlalchemy import select

from kokemus.ingest.models import Event
from kokemus.journeys import service
from kokemus.journeys.errors import JourneyFileError
from kokemus.journeys.models import Touchpoint
from kokemus.store import Database
from tests.factories import add_source, load_default_journey, send, track


def test_default_journey_has_every_encounter_kind_and_channel_class() -> None:
    spec = service.parse_journey(service.default_journey_text())
    touchpoints = [tp for stage in spec.stages for tp in stage.touchpoints]
    assert {tp.encounter_kind for tp in touchpoints} == {"physical", "digital", "brand"}
    assert {tp.channel_class for tp in touchpoints} == {"owned", "paid", "earned"}
    assert any(tp.owner == "carrier" for tp in touchpoints)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("stages: [", "not valid YAML"),
        ("- a list", "must be a mapping"),
        ("name: x\nstages: []", "stages: List should have at least 1 item"),
        (
            "name: x\nstages:\n- key: s\n  name: S\n  touchpoints:\n"
            "  - {key: t, name: T, encounter_kind: mental, channel: web, channel_class: owned}",
            "stages[0].touchpoints[0].encounter_kind: Input should be 'physical', 'digital'",
        ),
        (
            "name: x\nstages:\n- key: s\n  name: S\n  touchpoints:\n"
            "  - {key: t, name: T, encounter_kind: digital, channel: web, channel_class: owned,"
            " owner: nobody}",
            "touchpoint 't' names owner 'nobody', which is not a unit",
        ),
        (
            "name: x\nstages:\n- key: s\n  name: S\n  touchpoints:\n"
            "  - {key: t, name: T, encounter_kind: digital, channel: web, channel_class: owned,"
            " events: [A]}\n"
            "  - {key: u, name: U, encounter_kind: digital, channel: web, channel_class: owned,"
            " events: [A]}",
            "event name 'A' appears more than once",
        ),
        ("name: x\nstages:\n- key: s\n  name: S\n  colour: red", "stages[0].colour: Extra inputs"),
    ],
)
def test_invalid_files_are_refused_with_the_place_named(document: str, expected: str) -> None:
    with pytest.raises(JourneyFileError) as raised:
        service.parse_journey(document)
    assert expected in str(raised.value)


def test_shown_map_loads_back_to_the_same_map(database: Database) -> None:
    load_default_journey(database)
    with database.transaction() as session:
        shown = service.journey_document(session)

    text = yaml.safe_dump(shown, sort_keys=False)
    with database.transaction() as session:
        service.load_journey(session, service.parse_journey(text), text)
        again = service.journey_document(session)

    assert again == shown
    assert shown["name"] == "Online store with home delivery and a physical store"


def test_loading_a_new_map_remaps_stored_events_and_retires_missing_touchpoints(
    database: Database,
) -> None:
    load_default_journey(database)
    add_source(database, "carrier")
    send(database, [track("Parcel Scanned", message_id="1", user_id="o1")], source="carrier")
    with database.transaction() as session:
        assert [row.name for row in service.unmapped(session)] == ["Parcel Scanned"]

    text = yaml.safe_dump(
        {
            "name": "Just delivery",
            "stages": [
                {
                    "key": "delivery",
                    "name": "Delivery",
                    "touchpoints": [
                        {
                            "key": "home-delivery",
                            "name": "Home delivery",
                            "encounter_kind": "physical",
                            "channel": "delivery",
                            "channel_class": "owned",
                            "events": ["Parcel Scanned"],
                        }
                    ],
                }
            ],
        }
    )
    with database.transaction() as session:
        service.load_journey(session, service.parse_journey(text), text)

    with database.transaction() as session:
        assert service.unmapped(session) == []
        event = session.scalars(select(Event)).one()
        touchpoint = session.get(Touchpoint, event.touchpoint_id)
        assert touchpoint is not None
        assert touchpoint.key == "home-delivery"
        active = session.scalars(select(Touchpoint.key).where(Touchpoint.active)).all()
        retired = session.scalars(select(Touchpoint.key).where(~Touchpoint.active)).all()
    assert active == ["home-delivery"]
    assert "checkout" in retired
