"""The builder's forms and the survey definition, both ways: pure functions over documents.

A definition is edited as its stored JSON document; `parse_definition` checks the result,
so a form never needs rules of its own and its errors name the same paths as the YAML's.
Texts come in one field per language (`text.fi`); options and checklist items in numbered
rows (`entry.0.key`, `entry.0.text.fi`, `entry.0.order`, `entry.0.remove`), with a few
blank rows to add more without JavaScript.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.datastructures import FormData

from kokemus.surveys.definition import SCALES, SURVEY_LANGUAGES

Document = dict[str, Any]

BLANK_ROWS = 3
MAX_ROWS = 200
CHOICE_TYPES = ("single_choice", "multi_choice")
# The show-if conditions a form offers; "not_answered" is `answered: false`.
CONDITIONS = ("equals", "any_of", "at_most", "at_least", "answered", "not_answered")
TEXT_FIELDS = ("text", "help", "low_label", "high_label")
SURVEY_TEXT_FIELDS = ("title", "intro", "thanks")
# A blank survey starts with one question; one with options is added in the builder.
FIRST_TYPES = ("nps", "rating", "ces", "expectation", "text")


def value(form: FormData, name: str) -> str:
    """A field's text; a file where text was expected counts as nothing."""
    found = form.get(name)
    return found.strip() if isinstance(found, str) else ""


def texts_from(form: FormData, name: str, languages: Iterable[str]) -> dict[str, str]:
    return {
        language: value(form, f"{name}.{language}")
        for language in languages
        if value(form, f"{name}.{language}")
    }


def slug(text: str, fallback: str) -> str:
    """A key from a text: 'Kyllä, kiitos' → 'kylla-kiitos'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    made = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].strip("-")
    return made or fallback


def unique_key(wanted: str, taken: Iterable[str]) -> str:
    used = set(taken)
    if wanted not in used:
        return wanted
    number = 2
    while f"{wanted}-{number}" in used:
        number += 1
    return f"{wanted}-{number}"


def suggested_key(question_type: str, document: Document) -> str:
    taken = [str(question.get("key")) for question in document.get("questions", [])]
    return unique_key(question_type.replace("_", "-"), taken)


# --- questions ---------------------------------------------------------------------------


def question_from_form(
    form: FormData,
    *,
    key: str,
    question_type: str,
    languages: list[str],
    earlier: Mapping[str, str],
) -> Document:
    """A question document from its form; `earlier` is the type of each earlier question."""
    question: Document = {
        "key": key,
        "type": question_type,
        "text": texts_from(form, "text", languages),
    }
    for name in TEXT_FIELDS[1:]:
        if name != "help" and question_type not in SCALES:
            continue
        found = texts_from(form, name, languages)
        if found:
            question[name] = found
    for flag in ("required", "new_page"):
        if value(form, flag):
            question[flag] = True
    if touchpoint := value(form, "touchpoint"):
        question["touchpoint"] = touchpoint
    condition = show_if_from(form, earlier)
    if condition is not None:
        question["show_if"] = condition
    if question_type in CHOICE_TYPES:
        question["options"] = entries_from(form, languages)
    elif question_type == "checklist":
        question["items"] = entries_from(form, languages)
    return question


def entries_from(form: FormData, languages: list[str]) -> list[Document]:
    """Options or items from their rows: in the order asked, empty and removed rows left out."""
    rows: list[tuple[int, int, Document]] = []
    taken: list[str] = []
    for number in range(MAX_ROWS):
        prefix = f"entry.{number}"
        if f"{prefix}.key" not in form and f"{prefix}.order" not in form:
            continue
        text = texts_from(form, f"{prefix}.text", languages)
        key = value(form, f"{prefix}.key")
        if value(form, f"{prefix}.remove") or not (key or text):
            continue
        if not key:
            first = next(iter(text.values()))
            key = unique_key(slug(first, f"option-{number + 1}"), taken)
        taken.append(key)
        order = value(form, f"{prefix}.order")
        position = int(order) if order.isdigit() and len(order) < 6 else number + 1
        rows.append((position, number, {"key": key, "text": text}))
    return [entry for _, _, entry in sorted(rows, key=lambda row: (row[0], row[1]))]


def show_if_from(form: FormData, earlier: Mapping[str, str]) -> Document | None:
    target = value(form, "show_if.question")
    if not target:
        return None
    condition = value(form, "show_if.condition") or "equals"
    given = value(form, "show_if.value")
    scale = earlier.get(target) in SCALES
    if condition == "answered":
        return {"question": target, "answered": True}
    if condition == "not_answered":
        return {"question": target, "answered": False}
    if condition == "any_of":
        values = [_typed(part.strip(), scale) for part in given.split(",") if part.strip()]
        return {"question": target, "any_of": values}
    if condition in ("at_most", "at_least"):
        return {"question": target, condition: _typed(given, True)}
    return {"question": target, "equals": _typed(given, scale)}


def _typed(text: str, number: bool) -> str | int:
    if number and re.fullmatch(r"-?\d{1,3}", text):
        return int(text)
    return text


def show_if_fields(question: Document) -> tuple[str, str, str]:
    """(question, condition, value) for the show-if fields of a question's form."""
    condition = question.get("show_if")
    if not isinstance(condition, dict):
        return "", "equals", ""
    target = str(condition.get("question", ""))
    if condition.get("answered") is not None:
        return target, "answered" if condition["answered"] else "not_answered", ""
    if isinstance(condition.get("any_of"), list):
        return target, "any_of", ", ".join(str(part) for part in condition["any_of"])
    for name in ("at_most", "at_least", "equals"):
        if condition.get(name) is not None:
            return target, name, str(condition[name])
    return target, "equals", ""


def entry_rows(question: Document) -> list[Document]:
    """The rows a question's form shows: its options or items, then blank ones."""
    entries = question.get("options") or question.get("items") or []
    rows = [
        {"number": number, "key": entry.get("key", ""), "text": entry.get("text") or {}}
        for number, entry in enumerate(entries)
    ]
    for number in range(len(rows), len(rows) + BLANK_ROWS):
        rows.append({"number": number, "key": "", "text": {}})
    return rows


def blank_question(question_type: str, key: str) -> Document:
    question: Document = {"key": key, "type": question_type, "text": {}}
    if question_type in CHOICE_TYPES:
        question["options"] = []
    elif question_type == "checklist":
        question["items"] = []
    return question


def earlier_types(document: Document, before: str | None) -> dict[str, str]:
    """Each question before `before` (all of them for None) by key, with its type."""
    found: dict[str, str] = {}
    for question in document.get("questions", []):
        if question.get("key") == before:
            break
        found[str(question.get("key"))] = str(question.get("type"))
    return found


def with_question(document: Document, question: Document, replacing: str | None) -> Document:
    """The document with `question` in place of `replacing`, or added at the end."""
    questions = [dict(found) for found in document.get("questions", [])]
    if replacing is None:
        questions.append(question)
    else:
        questions = [question if q.get("key") == replacing else q for q in questions]
        old, new = replacing, question["key"]
        if old != new:
            for later in questions:
                condition = later.get("show_if")
                if isinstance(condition, dict) and condition.get("question") == old:
                    later["show_if"] = {**condition, "question": new}
    return {**document, "questions": questions}


def without_question(document: Document, key: str) -> Document:
    questions = [q for q in document.get("questions", []) if q.get("key") != key]
    return {**document, "questions": questions}


def moved(document: Document, key: str, step: int) -> Document:
    """The document with question `key` moved `step` places (-1 up, 1 down), if it can."""
    questions = list(document.get("questions", []))
    keys = [question.get("key") for question in questions]
    if key not in keys:
        return document
    here = keys.index(key)
    there = here + step
    if 0 <= there < len(questions):
        questions[here], questions[there] = questions[there], questions[here]
    return {**document, "questions": questions}


# --- the survey itself -------------------------------------------------------------------


def settings_from_form(form: FormData, document: Document) -> tuple[Document, list[str]]:
    """The document with the settings form applied; and the languages it dropped.

    Texts are read for the languages the form showed (the survey's until now); a language
    dropped takes its texts with it, so publishing never finds a stray translation.
    """
    shown = list(document.get("languages", []))
    chosen = [language for language in SURVEY_LANGUAGES if language in form.getlist("languages")]
    updated: Document = {**document, "languages": chosen}
    kind = value(form, "kind")
    if kind:
        updated["kind"] = kind
    for name in SURVEY_TEXT_FIELDS:
        found = texts_from(form, name, shown)
        if found or name == "title":
            updated[name] = found
        else:
            updated.pop(name, None)
    touchpoint = value(form, "touchpoint")
    if touchpoint:
        updated["touchpoint"] = touchpoint
    else:
        updated.pop("touchpoint", None)
    updated["anonymous"] = bool(value(form, "anonymous"))
    dropped = [language for language in shown if language not in chosen]
    return (keep_languages(updated, chosen) if dropped else updated), dropped


def keep_languages(document: Document, languages: list[str]) -> Document:
    """The document with every text in other languages left out (and optional texts that
    are left with none)."""

    def kept(texts: Any) -> Any:
        if not isinstance(texts, dict):
            return texts
        return {language: text for language, text in texts.items() if language in languages}

    def keep_in(part: Document, names: Iterable[str], needed: str) -> Document:
        changed = {**part}
        for name in names:
            if name in changed:
                changed[name] = kept(changed[name])
                if not changed[name] and name != needed:
                    del changed[name]
        return changed

    updated = keep_in(document, SURVEY_TEXT_FIELDS, "title")
    questions = []
    for question in document.get("questions", []):
        changed = keep_in(question, TEXT_FIELDS, "text")
        for name in ("options", "items"):
            if isinstance(changed.get(name), list):
                changed[name] = [
                    {**entry, "text": kept(entry.get("text"))} for entry in changed[name]
                ]
        questions.append(changed)
    updated["questions"] = questions
    return updated


def blank_survey(form: FormData) -> Document:
    """A new survey's document from the 'blank survey' form: settings and a first question."""
    languages = [language for language in SURVEY_LANGUAGES if language in form.getlist("languages")]
    question_type = value(form, "question_type")
    if question_type not in FIRST_TYPES:
        question_type = "nps"
    document: Document = {
        "key": value(form, "key"),
        "kind": value(form, "kind") or "customer",
        "languages": languages,
        "title": texts_from(form, "title", languages),
        "questions": [blank_question(question_type, value(form, "question_key") or "q1")],
    }
    return document
