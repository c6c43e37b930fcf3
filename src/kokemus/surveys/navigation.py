"""Moving through a survey's pages: which are shown, which may still come, where to resume.

Pages are worked out by kokemus.surveys.answers.pages; these read them against the answers
given so far. Pure functions over a definition, shared by every page that draws a survey.
"""

from typing import Any

from kokemus.surveys.answers import Answers, is_shown, missing_required, pages
from kokemus.surveys.definition import SurveyDefinition


def shown_pages(
    definition: SurveyDefinition,
    answers: Answers,
    *,
    before: int | None = None,
    after: int | None = None,
) -> list[int]:
    """Pages with at least one question shown, optionally only before or after a page."""
    found = []
    for number, page in enumerate(pages(definition)):
        if before is not None and number >= before:
            break
        if after is not None and number <= after:
            continue
        if any(is_shown(question, answers) for question in page):
            found.append(number)
    return found


def page_plan(definition: SurveyDefinition, answers: Answers, current: int) -> list[int]:
    """The pages shown up to this one, and those after it that its answers may still open."""
    grouped = pages(definition)
    to_come = {question.key for page in grouped[current:] for question in page}
    plan = []
    for number, page in enumerate(grouped):
        if number == current:
            plan.append(number)
        elif any(is_shown(question, answers) for question in page) or (
            number > current
            and any(q.show_if is not None and q.show_if.question in to_come for q in page)
        ):
            plan.append(number)
    return plan


def page_to_show(definition: SurveyDefinition, answers: Answers, asked: str | None) -> int:
    """The page asked for, but never past a page whose required questions are unanswered."""
    shown = shown_pages(definition, answers)
    if not shown:
        return 0
    if asked is None:
        # Resuming: the first page not answered yet.
        for number in shown:
            if not any(question.key in answers for question in pages(definition)[number]):
                return number
        return shown[-1]
    wanted = bounded_int(asked, 0, len(pages(definition)) - 1)
    for number in shown:
        if number >= wanted or missing_required(definition, answers, upto=number) is not None:
            return number
    return shown[-1]


def bounded_int(value: Any, low: int, high: int) -> int:
    """A page number from a form or query: digits only, kept within low..high."""
    text = str(value or "")
    number = int(text) if text.isdigit() and len(text) < 6 else low
    return min(max(number, low), high)
