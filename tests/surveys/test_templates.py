"""The survey templates shipped with the product: they load, publish against the default
journey, ask what they are meant to ask, and are really translated."""

from collections.abc import Iterator
from importlib import resources
from itertools import combinations

import pytest

from kokemus.errors import NotFound
from kokemus.journeys.service import default_journey_text, parse_journey
from kokemus.surveys.catalog import TEMPLATE_NAMES, load_template, template_names, template_text
from kokemus.surveys.definition import (
    SCALES,
    SurveyDefinition,
    Texts,
    dump_definition,
    load_definition_text,
    publish_problems,
)
from kokemus.text.language import detect_language

# Texts that may read the same in two languages because they are names, not words.
PROPER_NAMES: frozenset[str] = frozenset()

# Each template's questions, in order, as (key, type).
EXPECTED_QUESTIONS = {
    "post-delivery": [
        ("delivery-stars", "rating"),
        ("expectation", "expectation"),
        ("arrived-intact", "single_choice"),
        ("improve", "text"),
    ],
    "relational-nps": [
        ("recommend", "nps"),
        ("reason-detractor", "text"),
        ("reason-passive", "text"),
        ("reason-promoter", "text"),
    ],
    "store-visit": [
        ("greeted", "single_choice"),
        ("help-offered", "single_choice"),
        ("staff-feeling", "rating"),
        ("tidiness", "rating"),
        ("finding-products", "rating"),
        ("product-quality", "rating"),
        ("comment", "text"),
    ],
    "complaint-follow-up": [
        ("resolved", "single_choice"),
        ("treatment", "rating"),
        ("effort", "ces"),
        ("still-open", "text"),
        ("comment", "text"),
    ],
    "courteous-encounter-audit": [("steps", "checklist"), ("observer-comment", "text")],
    "five-star-meeting": [
        ("marks", "checklist"),
        ("meeting-stars", "rating"),
        ("comment", "text"),
    ],
    "five-star-workday": [
        ("enps", "nps"),
        ("workday-stars", "rating"),
        ("marks", "checklist"),
        ("comment", "text"),
    ],
}


def journey_touchpoints() -> set[str]:
    journey = parse_journey(default_journey_text())
    return {touchpoint.key for stage in journey.stages for touchpoint in stage.touchpoints}


def all_texts(definition: SurveyDefinition) -> Iterator[tuple[str, Texts]]:
    """Every translatable text of a definition, with where it is."""
    for where, texts in (
        ("title", definition.title),
        ("intro", definition.intro),
        ("thanks", definition.thanks),
    ):
        if texts is not None:
            yield where, texts
    for question in definition.questions:
        for field in ("text", "help", "low_label", "high_label"):
            texts = getattr(question, field)
            if texts is not None:
                yield f"{question.key}.{field}", texts
        for entry in [*(question.options or []), *(question.items or [])]:
            yield f"{question.key}.{entry.key}", entry.text


def pages(definition: SurveyDefinition) -> dict[str, int]:
    """The page each question is on, counting from 0."""
    page = 0
    result: dict[str, int] = {}
    for index, question in enumerate(definition.questions):
        if question.new_page and index > 0:
            page += 1
        result[question.key] = page
    return result


def test_the_catalog_lists_the_templates_in_order() -> None:
    assert template_names() == list(TEMPLATE_NAMES) == list(EXPECTED_QUESTIONS)


def test_every_shipped_file_is_in_the_catalog() -> None:
    shipped = {
        entry.name.removesuffix(".yaml")
        for entry in resources.files("kokemus.surveys.templates").iterdir()
        if entry.name.endswith(".yaml")
    }
    assert shipped == set(TEMPLATE_NAMES)


@pytest.mark.parametrize("name", ["no-such-template", "../definition", "post-delivery.yaml", ""])
def test_an_unknown_template_is_not_found_and_names_the_known_ones(name: str) -> None:
    with pytest.raises(NotFound) as raised:
        template_text(name)
    assert all(known in str(raised.value) for known in TEMPLATE_NAMES)
    with pytest.raises(NotFound):
        load_template(name)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_loads_under_its_own_name_in_three_languages(name: str) -> None:
    definition = load_template(name)
    assert definition.key == name
    assert definition.languages == ["fi", "sv", "en"]
    assert load_definition_text(template_text(name)) == definition


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_can_be_published_on_the_default_journey(name: str) -> None:
    assert publish_problems(load_template(name), journey_touchpoints()) == []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_survives_export_and_import(name: str) -> None:
    definition = load_template(name)
    for form in ("json", "yaml"):
        assert load_definition_text(dump_definition(definition, form)) == definition


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_asks_the_expected_questions(name: str) -> None:
    definition = load_template(name)
    asked = [(question.key, question.type) for question in definition.questions]
    assert asked == EXPECTED_QUESTIONS[name]


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_no_text_is_an_untranslated_copy(name: str) -> None:
    copies = []
    for where, texts in all_texts(load_template(name)):
        for (one, first), (other, second) in combinations(texts.items(), 2):
            same = first.strip().casefold() == second.strip().casefold()
            if same and first not in PROPER_NAMES:
                copies.append(f"{where}: {one} and {other} both say {first!r}")
    assert copies == []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_text_is_written_in_its_language(name: str) -> None:
    # A single word is too little to tell the language by; anything longer must match.
    wrong = [
        f"{where}.{language}: {text!r} reads as {detect_language(text)}"
        for where, texts in all_texts(load_template(name))
        for language, text in texts.items()
        if len(text.split()) > 1 and detect_language(text) != language
    ]
    assert wrong == []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_scale_has_both_ends_labelled(name: str) -> None:
    unlabelled = [
        question.key
        for question in load_template(name).questions
        if question.type in SCALES and (question.low_label is None or question.high_label is None)
    ]
    assert unlabelled == []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_a_question_that_depends_on_an_answer_is_on_a_later_page(name: str) -> None:
    definition = load_template(name)
    page = pages(definition)
    same_page = [
        question.key
        for question in definition.questions
        if question.show_if is not None and page[question.key] <= page[question.show_if.question]
    ]
    assert same_page == []


def test_customer_templates_point_at_their_touchpoints() -> None:
    touchpoints = {name: load_template(name).touchpoint for name in TEMPLATE_NAMES}
    assert touchpoints == {
        "post-delivery": "home-delivery",
        "relational-nps": None,
        "store-visit": "store-visit",
        "complaint-follow-up": "returns-and-claims",
        "courteous-encounter-audit": "store-visit",
        "five-star-meeting": None,
        "five-star-workday": None,
    }


def test_kinds_and_anonymity() -> None:
    kinds = {name: load_template(name).kind for name in TEMPLATE_NAMES}
    assert kinds == {
        "post-delivery": "customer",
        "relational-nps": "customer",
        "store-visit": "customer",
        "complaint-follow-up": "customer",
        "courteous-encounter-audit": "audit",
        "five-star-meeting": "employee",
        "five-star-workday": "employee",
    }
    for name in ("five-star-meeting", "five-star-workday"):
        # Stated in the file itself, not only implied by the kind.
        assert "\nanonymous: true\n" in template_text(name)
        assert load_template(name).anonymous


def test_post_delivery_asks_what_to_improve_of_those_not_fully_satisfied() -> None:
    definition = load_template("post-delivery")
    improve = definition.question("improve")
    assert improve.new_page
    assert improve.show_if is not None
    assert improve.show_if.question == "delivery-stars"
    assert improve.show_if.at_most == 4
    assert definition.question("arrived-intact").option_keys() == ["intact", "damaged"]


def test_relational_nps_asks_exactly_one_reason_for_every_score() -> None:
    definition = load_template("relational-nps")
    reasons = [question for question in definition.questions if question.key != "recommend"]
    for score in range(0, 11):
        shown = []
        for question in reasons:
            condition = question.show_if
            assert condition is not None
            assert condition.question == "recommend"
            if (
                (condition.at_most is not None and score <= condition.at_most)
                or (condition.at_least is not None and score >= condition.at_least)
                or (condition.any_of is not None and score in condition.any_of)
            ):
                shown.append(question.key)
        expected = "detractor" if score <= 6 else "passive" if score <= 8 else "promoter"
        assert shown == [f"reason-{expected}"], score


def test_complaint_follow_up_asks_what_is_still_open_unless_it_was_solved() -> None:
    definition = load_template("complaint-follow-up")
    assert definition.question("resolved").option_keys() == ["yes", "partly", "no"]
    condition = definition.question("still-open").show_if
    assert condition is not None
    assert condition.question == "resolved"
    assert condition.any_of == ["partly", "no"]


def test_the_audit_is_the_eight_steps_of_the_courteous_encounter_in_order() -> None:
    steps = load_template("courteous-encounter-audit").question("steps")
    assert steps.type == "checklist"
    assert steps.option_keys() == [
        "notice",
        "greet",
        "ask",
        "listen",
        "suggest",
        "confirm",
        "reconfirm",
        "thank",
    ]
    # Each item is named by its step word from the seed's table, in Finnish.
    words = ["Huomioi", "Kohtaa", "Kysy", "Kuuntele", "Ehdota", "Varmista", "Vahvista", "Kiitä"]
    assert [item.text["fi"].split(":")[0] for item in steps.items or []] == words


def test_the_meeting_checks_the_five_marks_of_a_five_star_meeting() -> None:
    marks = load_template("five-star-meeting").question("marks")
    assert marks.option_keys() == [
        "agenda",
        "led-and-interactive",
        "phones-parked",
        "goal-and-decision",
        "length-and-people",
    ]


def test_the_workday_pulse_asks_the_employee_nps_and_the_marks_of_a_good_workday() -> None:
    definition = load_template("five-star-workday")
    assert definition.kind == "employee"
    assert definition.anonymous
    enps = definition.question("enps")
    assert enps.type == "nps"
    assert enps.required
    assert "workplace" in enps.text["en"]
    assert {"caring", "energy", "heard"} <= set(definition.question("marks").option_keys())
