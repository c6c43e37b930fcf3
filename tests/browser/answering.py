"""Answering a survey page the way a person does: taps on what is drawn, typing in fields."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from playwright.sync_api import Frame, Keyboard, Page, Response

from kokemus.surveys.definition import Language, Question, SurveyDefinition, Texts

LANGUAGES = ("fi", "sv", "en")
# The page's own words, written out here so a lost translation fails a test.
PROGRESS = {
    "fi": "Sivu {page} / {pages}",
    "sv": "Sida {page} av {pages}",
    "en": "Page {page} of {pages}",
}
NEXT = {"fi": "Seuraava", "sv": "Nästa", "en": "Next"}
SEND = {"fi": "Lähetä", "sv": "Skicka", "en": "Send"}
BACK = {"fi": "Edellinen", "sv": "Föregående", "en": "Back"}
THANKS_TITLE = {
    "fi": "Kiitos vastauksestasi!",
    "sv": "Tack för ditt svar!",
    "en": "Thank you for your answer!",
}
ERRORS_TITLE = {
    "fi": "Tarkista vastauksesi",
    "sv": "Kontrollera dina svar",
    "en": "Please check your answers",
}
REQUIRED = {
    "fi": "Tähän kysymykseen tarvitaan vastaus.",
    "sv": "Den här frågan behöver ett svar.",
    "en": "This question needs an answer.",
}

Value = int | str | list[str] | dict[str, bool]
# A survey page is a whole tab, or the frame of the widget on another site.
Surface = Page | Frame


def said(texts: Texts | None, language: str) -> str:
    assert texts is not None
    return texts[cast(Language, language)]


def planned(question: Question, language: str) -> Value:
    """A different answer per language, so each language takes another show-if branch."""
    turn = LANGUAGES.index(language)
    if question.type == "rating":
        return (4, 3, 2)[turn]
    if question.type == "nps":
        return (3, 8, 10)[turn]  # detractor, passive, promoter
    if question.type == "ces":
        return (5, 6, 2)[turn]
    if question.type == "expectation":
        return (4, 2, 5)[turn]
    options = question.option_keys()
    if question.type == "single_choice":
        return options[turn % len(options)]
    if question.type == "multi_choice":
        return [options[0], options[-1]]
    if question.type == "checklist":
        return {item: (index + turn) % 3 != 2 for index, item in enumerate(options)}
    return f"{question.key} ({language}): åäö – “ok” ✓"


def shown_questions(page: Surface) -> dict[str, str]:
    """Each question on the page by key, with the text of its legend or label."""
    found = page.locator("form .question").evaluate_all(
        """nodes => nodes.map(node => [
            node.id, node.querySelector(':scope > legend, :scope > label').innerText])"""
    )
    return {str(key).removeprefix("q-"): " ".join(str(text).split()) for key, text in found}


def answer(page: Surface, question: Question, value: Value) -> None:
    """Tap the drawn control, as the input itself is hidden under it; type in a text field."""
    scope = f"#q-{question.key}"
    if question.scale is not None:
        page.locator(f'{scope} label:has(input[value="{value}"]) .choice').tap()
    elif question.type in ("single_choice", "multi_choice"):
        assert isinstance(value, str | list)
        for option in [value] if isinstance(value, str) else value:
            page.locator(f'{scope} label.option:has(input[value="{option}"]) span').tap()
    elif question.type == "checklist":
        assert isinstance(value, Mapping)
        for item, seen in value.items():
            name = f"q.{question.key}.{item}"
            flag = "yes" if seen else "no"
            page.locator(f'{scope} label:has(input[name="{name}"][value="{flag}"]) .choice').tap()
    else:
        field = page.locator(f"textarea#f-{question.key}")
        field.tap()
        keyboard(page).insert_text(str(value))


def keyboard(page: Surface) -> Keyboard:
    return page.page.keyboard if isinstance(page, Frame) else page.keyboard


def form_fields(page: Surface) -> list[tuple[str, str]]:
    """What the form would send now: the answer fields only, in document order."""
    pairs = page.locator("form").evaluate("form => [...new FormData(form)]")
    return [(str(name), str(value)) for name, value in pairs if str(name).startswith("q.")]


def fields_for(questions: list[Question], answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The form fields that answer `questions` as in `answers`, in document order."""
    fields: list[tuple[str, str]] = []
    for question in questions:
        value = answers.get(question.key)
        name = f"q.{question.key}"
        if question.type == "checklist":
            for item in question.option_keys():
                if value and item in value:
                    fields.append((f"{name}.{item}", "yes" if value[item] else "no"))
        elif question.type == "multi_choice":
            chosen = value or []
            fields.extend((name, option) for option in question.option_keys() if option in chosen)
        elif question.type == "text":
            fields.append((name, "" if value is None else str(value)))
        elif value is not None:
            fields.append((name, str(value)))
    return fields


def submit(page: Surface, which: str = "next") -> Response:
    with page.expect_navigation() as navigation:
        page.locator(f'form button[value="{which}"]').tap()
    response = navigation.value
    assert response is not None
    return response


def progress_text(page: Surface) -> str | None:
    found = page.locator("p.progress")
    return " ".join(found.inner_text().split()) if found.count() else None


def screenshot(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=directory / f"{name}.png", full_page=True)


def expected_rows(
    definition: SurveyDefinition, answers: Mapping[str, Any]
) -> list[tuple[str, float | None, str | None, str | None]]:
    """The flat answer rows a complete response should have, worked out independently."""
    rows: list[tuple[str, float | None, str | None, str | None]] = []
    for question in definition.questions:
        if question.key not in answers:
            continue
        value = answers[question.key]
        if question.type == "expectation":
            band = "weak" if value <= 2 else "good" if value == 3 else "excellent"
            rows.append((question.key, value, band, None))
        elif question.scale is not None:
            rows.append((question.key, value, None, None))
        elif question.type == "multi_choice":
            rows.extend((question.key, 1, None, option) for option in value)
        elif question.type == "checklist":
            rows.extend(
                (question.key, 1 if seen else 0, None, item) for item, seen in value.items()
            )
        else:
            rows.append((question.key, None, value, None))
    return rows


def answer_shown(
    page: Surface,
    definition: SurveyDefinition,
    language: str,
    given: dict[str, Value],
    chosen: Mapping[str, Value] | None = None,
) -> list[Question]:
    """Answer every question the page shows (as planned, or as `chosen`), into `given`."""
    questions = {question.key: question for question in definition.questions}
    shown = [questions[key] for key in shown_questions(page)]
    for question in shown:
        given[question.key] = (chosen or {}).get(question.key, planned(question, language))
        answer(page, question, given[question.key])
    assert form_fields(page) == fields_for(shown, given), "the taps did not all take"
    return shown
