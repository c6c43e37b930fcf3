"""Reading answers: coerce what a form or the API sent, decide what is shown and required."""

from collections.abc import Mapping
from typing import Any, Literal

from kokemus.errors import InvalidInput
from kokemus.surveys.definition import TEXT_MAX_CHARS, Question, ShowIf, SurveyDefinition

Value = int | str | list[str] | dict[str, bool]
Answers = dict[str, Value]
Band = Literal["weak", "good", "excellent"]

YES = frozenset(("yes", "true", "1", "on", "kyllä", "ja"))
NO = frozenset(("no", "false", "0", "off", "ei", "nej"))


def expectation_band(value: int) -> Band:
    """1–2 below expectations (weak), 3 as expected (good), 4–5 exceeded (excellent)."""
    if value <= 2:
        return "weak"
    return "good" if value == 3 else "excellent"


def coerce(question: Question, raw: Any) -> Value | None:
    """The answer in its stored form, or None when nothing was answered."""
    field = f"answers.{question.key}"
    if raw is None or raw == "" or raw == [] or raw == {}:
        return None
    if question.scale is not None:
        return _scale(question, raw, field)
    if question.type == "single_choice":
        return _choice(question, raw, field)
    if question.type == "multi_choice":
        values = raw if isinstance(raw, list) else [raw]
        chosen = [_choice(question, value, field) for value in values]
        return [key for key in question.option_keys() if key in chosen]
    if question.type == "checklist":
        return _checklist(question, raw, field)
    return _text(raw, field)


def _scale(question: Question, raw: Any, field: str) -> int:
    assert question.scale is not None
    low, high = question.scale
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise InvalidInput(field, f"expected a whole number from {low} to {high}")
    text = str(raw).strip()
    if not text.lstrip("-").isdigit() or len(text) > 3:
        raise InvalidInput(field, f"expected a whole number from {low} to {high}")
    value = int(text)
    if not low <= value <= high:
        raise InvalidInput(field, f"{value} is outside {low}–{high}")
    return value


def _choice(question: Question, raw: Any, field: str) -> str:
    if not isinstance(raw, str) or raw not in question.option_keys():
        shown = repr(raw)[:40]
        raise InvalidInput(field, f"{shown} is not one of {', '.join(question.option_keys())}")
    return raw


def _checklist(question: Question, raw: Any, field: str) -> dict[str, bool] | None:
    if not isinstance(raw, Mapping):
        raise InvalidInput(field, "expected an object of item: yes/no")
    checked: dict[str, bool] = {}
    for item, value in raw.items():
        if item not in question.option_keys():
            raise InvalidInput(f"{field}.{str(item)[:40]}", "not an item of this checklist")
        flag = _yes_no(value)
        if flag is None:
            if value in (None, ""):
                continue
            raise InvalidInput(f"{field}.{item}", "expected yes or no")
        checked[item] = flag
    return {key: checked[key] for key in question.option_keys() if key in checked} or None


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | str):
        text = str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
    return None


def _text(raw: Any, field: str) -> str | None:
    if not isinstance(raw, str):
        raise InvalidInput(field, "expected text")
    # NUL cannot be stored in PostgreSQL text; other control characters are noise.
    text = "".join(ch for ch in raw if ch >= " " or ch in "\n\t").strip()
    if len(text) > TEXT_MAX_CHARS:
        raise InvalidInput(field, f"longer than {TEXT_MAX_CHARS} characters")
    return text or None


def is_shown(question: Question, answers: Mapping[str, Value]) -> bool:
    return question.show_if is None or _holds(
        question.show_if, answers.get(question.show_if.question)
    )


def _holds(condition: ShowIf, value: Value | None) -> bool:
    if condition.answered is not None:
        return (value is not None) == condition.answered
    if value is None:
        return False
    if condition.equals is not None:
        return value == condition.equals or (isinstance(value, list) and condition.equals in value)
    if condition.any_of is not None:
        if isinstance(value, list):
            return any(option in value for option in condition.any_of)
        return value in condition.any_of
    if not isinstance(value, int):
        return False
    if condition.at_most is not None:
        return value <= condition.at_most
    return condition.at_least is not None and value >= condition.at_least


def pages(definition: SurveyDefinition) -> list[list[Question]]:
    """Questions grouped into pages; a question shown on an answer on its page starts the next.

    Pages work without JavaScript: what decides whether a question is shown has always been
    sent before that question's page is drawn. Published definitions are kept in memory,
    so their pages are worked out once (callers must not change the lists).
    """
    hit = _pages.get(id(definition))
    if hit is not None and hit[0] is definition:
        return hit[1]
    grouped: list[list[Question]] = []
    for question in definition.questions:
        on_page = {earlier.key for earlier in grouped[-1]} if grouped else set()
        depends_here = question.show_if is not None and question.show_if.question in on_page
        if not grouped or question.new_page or depends_here:
            grouped.append([])
        grouped[-1].append(question)
    if len(_pages) > 1024:
        _pages.clear()
    _pages[id(definition)] = (definition, grouped)
    return grouped


_pages: dict[int, tuple[SurveyDefinition, list[list[Question]]]] = {}


def read_page(
    definition: SurveyDefinition, page: list[Question], raw: Mapping[str, Any], answers: Answers
) -> Answers:
    """Merge one page's answers into the earlier ones; a question left empty is cleared."""
    merged = dict(answers)
    for question in page:
        value = coerce(question, raw.get(question.key))
        if value is None:
            merged.pop(question.key, None)
        else:
            merged[question.key] = value
    return shown_only(definition, merged)


def read_all(definition: SurveyDefinition, raw: Mapping[str, Any]) -> Answers:
    """Answers sent in one go (the API); keys that are not questions are refused by name."""
    known = {question.key for question in definition.questions}
    for key in raw:
        if key not in known:
            raise InvalidInput(f"answers.{str(key)[:64]}", "no such question in this survey")
    answers: Answers = {}
    for question in definition.questions:
        value = coerce(question, raw.get(question.key))
        if value is not None:
            answers[question.key] = value
    return shown_only(definition, answers)


def shown_only(definition: SurveyDefinition, answers: Answers) -> Answers:
    """Drop answers to questions that their conditions now hide."""
    kept: Answers = {}
    for question in definition.questions:
        if question.key in answers and is_shown(question, kept):
            kept[question.key] = answers[question.key]
    return kept


def missing_required(
    definition: SurveyDefinition, answers: Answers, upto: int | None = None
) -> str | None:
    """The first required, shown question left unanswered (on pages up to `upto`)."""
    for number, page in enumerate(pages(definition)):
        if upto is not None and number > upto:
            return None
        for question in page:
            if not question.required or not is_shown(question, answers):
                continue
            value = answers.get(question.key)
            if value is None or _partly_checked(question, value):
                return question.key
    return None


def _partly_checked(question: Question, value: Value) -> bool:
    return question.type == "checklist" and (
        not isinstance(value, dict) or len(value) < len(question.option_keys())
    )
