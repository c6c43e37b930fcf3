from typing import Any

import pytest

from kokemus.errors import InvalidInput
from kokemus.surveys.answers import (
    coerce,
    expectation_band,
    is_shown,
    missing_required,
    pages,
    read_all,
    read_page,
)
from kokemus.surveys.definition import (
    DefinitionError,
    dump_definition,
    load_definition_text,
    parse_definition,
    publish_problems,
)

SURVEY = """
key: delivery
languages: [fi, en]
title: {fi: Toimitus, en: Delivery}
touchpoint: home-delivery
questions:
  - {key: stars, type: rating, required: true, text: {fi: Tähdet, en: Stars}}
  - {key: expect, type: expectation, text: {fi: Odotukset, en: Expectations}}
  - key: damaged
    type: single_choice
    text: {fi: Kunto, en: Condition}
    options:
      - {key: intact, text: {fi: Ehjä, en: Intact}}
      - {key: broken, text: {fi: Rikki, en: Broken}}
  - key: why
    type: text
    required: true
    text: {fi: "Mikä meni vikaan?", en: "What went wrong?"}
    show_if: {question: stars, at_most: 3}
  - key: steps
    type: checklist
    text: {fi: Havainnot, en: Observed}
    items:
      - {key: greet, text: {fi: Tervehti, en: Greeted}}
      - {key: thank, text: {fi: Kiitti, en: Thanked}}
  - key: extras
    type: multi_choice
    new_page: true
    text: {fi: Lisät, en: Extras}
    options:
      - {key: a, text: {fi: A-fi, en: A-en}}
      - {key: b, text: {fi: B-fi, en: B-en}}
  - {key: nps, type: nps, text: {fi: Suosittelisitko, en: Recommend}}
  - {key: effort, type: ces, text: {fi: Vaivattomuus, en: Effort}}
"""


def definition_with(**changes: Any) -> dict[str, Any]:
    document = load_definition_text(SURVEY).model_dump(mode="json", exclude_none=True)
    document.update(changes)
    return document


def test_json_and_yaml_round_trip() -> None:
    definition = load_definition_text(SURVEY)
    assert load_definition_text(dump_definition(definition, "json")) == definition
    assert load_definition_text(dump_definition(definition, "yaml")) == definition


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"key": "a", "type": "single_choice", "text": {"fi": "x"}}, "needs options"),
        ({"key": "a", "type": "checklist", "text": {"fi": "x"}}, "needs items"),
        ({"key": "a", "type": "stars", "text": {"fi": "x"}}, "questions[0].type"),
        (
            {"key": "a", "type": "text", "text": {"fi": "x"}, "low_label": {"fi": "y"}},
            "no scale",
        ),
        ({"key": "A B", "type": "text", "text": {"fi": "x"}}, "questions[0].key"),
        ({"key": "a", "type": "text", "text": {"de": "x"}}, "questions[0].text.de"),
    ],
)
def test_a_bad_question_is_refused_with_where_and_why(
    question: dict[str, Any], message: str
) -> None:
    document = {"key": "s", "languages": ["fi"], "title": {"fi": "t"}, "questions": [question]}
    with pytest.raises(DefinitionError) as caught:
        parse_definition(document)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("show_if", "message"),
    [
        ({"question": "later", "answered": True}, "not an earlier question"),
        ({"question": "first", "at_most": 3, "answered": True}, "exactly one"),
        ({"question": "first", "equals": 11}, "not on 'first''s scale"),
        ({"question": "comment", "equals": "x"}, "only be tested with 'answered'"),
    ],
)
def test_show_if_must_name_an_earlier_question_and_fit_it(
    show_if: dict[str, Any], message: str
) -> None:
    questions = [
        {"key": "first", "type": "nps", "text": {"fi": "x"}},
        {"key": "comment", "type": "text", "text": {"fi": "x"}},
        {"key": "cond", "type": "text", "text": {"fi": "x"}, "show_if": show_if},
        {"key": "later", "type": "rating", "text": {"fi": "x"}},
    ]
    document = {"key": "s", "languages": ["fi"], "title": {"fi": "t"}, "questions": questions}
    with pytest.raises(DefinitionError) as caught:
        parse_definition(document)
    assert message in str(caught.value)


def test_duplicate_keys_are_refused() -> None:
    document = definition_with()
    document["questions"].append(dict(document["questions"][0]))
    with pytest.raises(DefinitionError, match="question key 'stars' appears more than once"):
        parse_definition(document)


def test_publishing_needs_every_translation_and_known_touchpoints() -> None:
    document = definition_with(languages=["fi", "sv", "en"])
    problems = publish_problems(parse_definition(document), {"store-visit"})
    assert "title: no sv translation" in problems
    assert "questions[0] (stars).text: no sv translation" in problems
    assert "questions[2] (damaged).options[1] (broken): no sv translation" in problems
    assert "touchpoint: 'home-delivery' is not in the journey" in problems
    assert publish_problems(load_definition_text(SURVEY), {"home-delivery"}) == []


def test_employee_surveys_are_always_anonymous() -> None:
    assert parse_definition(definition_with(kind="employee")).anonymous is True
    assert parse_definition(definition_with(kind="customer")).anonymous is False


def test_invalid_yaml_says_so() -> None:
    with pytest.raises(DefinitionError, match="not valid JSON or YAML"):
        load_definition_text("key: [unclosed")
    with pytest.raises(DefinitionError, match="must be a mapping"):
        load_definition_text("- a list")


def test_expectation_bands() -> None:
    assert [expectation_band(value) for value in range(1, 6)] == [
        "weak",
        "weak",
        "good",
        "excellent",
        "excellent",
    ]


def test_answers_are_coerced_to_their_stored_form() -> None:
    definition = load_definition_text(SURVEY)
    assert coerce(definition.question("stars"), "4") == 4
    assert coerce(definition.question("nps"), 0) == 0
    assert coerce(definition.question("extras"), ["b", "a", "b"]) == ["a", "b"]
    assert coerce(definition.question("steps"), {"greet": "yes", "thank": "no"}) == {
        "greet": True,
        "thank": False,
    }
    assert coerce(definition.question("why"), "  rikki\x00 ") == "rikki"
    assert coerce(definition.question("why"), "   ") is None


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("stars", "6", "answers.stars"),
        ("stars", True, "answers.stars"),
        ("stars", "4.5", "answers.stars"),
        ("nps", -1, "answers.nps"),
        ("effort", 8, "answers.effort"),
        ("damaged", "lost", "answers.damaged"),
        ("extras", ["c"], "answers.extras"),
        ("steps", {"smile": True}, "answers.steps.smile"),
        ("steps", {"greet": "maybe"}, "answers.steps.greet"),
        ("why", "x" * 5001, "answers.why"),
        ("why", 12, "answers.why"),
    ],
)
def test_a_bad_answer_names_its_field(key: str, value: Any, field: str) -> None:
    definition = load_definition_text(SURVEY)
    with pytest.raises(InvalidInput) as caught:
        coerce(definition.question(key), value)
    assert caught.value.field == field


def test_show_if_hides_and_drops_answers_to_hidden_questions() -> None:
    definition = load_definition_text(SURVEY)
    why = definition.question("why")
    assert is_shown(why, {"stars": 2})
    assert not is_shown(why, {"stars": 4})
    assert not is_shown(why, {})
    answers = read_all(definition, {"stars": 5, "why": "nothing"})
    assert answers == {"stars": 5}
    assert missing_required(definition, {"stars": 5}) is None
    assert missing_required(definition, {"stars": 2}) == "why"
    assert missing_required(definition, {}) == "stars"


def test_unknown_questions_in_an_api_response_are_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_all(load_definition_text(SURVEY), {"stars": 4, "colour": "red"})
    assert caught.value.field == "answers.colour"


def test_a_question_shown_on_an_answer_on_its_page_starts_the_next_page() -> None:
    grouped = [[question.key for question in page] for page in pages(load_definition_text(SURVEY))]
    assert grouped == [
        ["stars", "expect", "damaged"],
        ["why", "steps"],
        ["extras", "nps", "effort"],
    ]


def test_reading_a_page_clears_what_was_emptied() -> None:
    definition = load_definition_text(SURVEY)
    first = pages(definition)[0]
    answers = read_page(definition, first, {"stars": "2", "expect": "1"}, {})
    assert answers == {"stars": 2, "expect": 1}
    answers = read_page(definition, first, {"stars": "2"}, answers)
    assert answers == {"stars": 2}
