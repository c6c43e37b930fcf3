"""A survey definition: what is stored, imported and exported as JSON or YAML.

Structure is checked whenever a definition is read; translations and references to the
journey only when it is published (`publish_problems`), so a draft can be saved half done.
"""

import json
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kokemus.errors import DomainError

SURVEY_LANGUAGES = ("fi", "sv", "en")
SURVEY_KINDS = ("customer", "employee", "audit")
QUESTION_TYPES = (
    "rating",
    "nps",
    "ces",
    "expectation",
    "single_choice",
    "multi_choice",
    "checklist",
    "text",
)
SCALES: dict[str, tuple[int, int]] = {
    "rating": (1, 5),
    "nps": (0, 10),
    "ces": (1, 7),
    "expectation": (1, 5),
}
TEXT_MAX_CHARS = 5000

Key = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)
Language = Literal["fi", "sv", "en"]
# Texts per language: {"fi": "...", "sv": "...", "en": "..."}.
Texts = dict[Language, str]
QuestionType = Literal[
    "rating", "nps", "ces", "expectation", "single_choice", "multi_choice", "checklist", "text"
]


class DefinitionError(DomainError):
    """A definition that cannot be read; each problem names where it is."""

    status_code = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Option(Strict):
    key: str = Key
    text: Texts


class ShowIf(Strict):
    """Show a question only when an earlier answer meets exactly one of these conditions."""

    question: str = Key
    equals: str | int | None = None
    any_of: list[str | int] | None = Field(default=None, min_length=1)
    at_most: int | None = None
    at_least: int | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def one_condition(self) -> "ShowIf":
        given = [name for name in self.conditions() if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "show_if needs exactly one of equals, any_of, at_most, at_least, answered"
            )
        return self

    @staticmethod
    def conditions() -> tuple[str, ...]:
        return ("equals", "any_of", "at_most", "at_least", "answered")


class Question(Strict):
    key: str = Key
    type: QuestionType
    text: Texts
    help: Texts | None = None
    required: bool = False
    touchpoint: str | None = Field(default=None, description="touchpoint key, if not the survey's")
    show_if: ShowIf | None = None
    new_page: bool = Field(default=False, description="start a new page with this question")
    options: list[Option] | None = Field(default=None, description="single and multi choice")
    items: list[Option] | None = Field(default=None, description="checklist: observed yes/no")
    low_label: Texts | None = Field(default=None, description="label of a scale's low end")
    high_label: Texts | None = Field(default=None, description="label of a scale's high end")

    @model_validator(mode="after")
    def fields_for_type(self) -> "Question":
        choice = self.type in ("single_choice", "multi_choice")
        if choice and not self.options:
            raise ValueError(f"a {self.type} question needs options")
        if not choice and self.options is not None:
            raise ValueError(f"a {self.type} question takes no options")
        if self.type == "checklist" and not self.items:
            raise ValueError("a checklist question needs items")
        if self.type != "checklist" and self.items is not None:
            raise ValueError(f"a {self.type} question takes no items")
        if self.type not in SCALES and (self.low_label or self.high_label):
            raise ValueError(f"a {self.type} question has no scale to label")
        for what, entries in (("option", self.options), ("item", self.items)):
            _unique([entry.key for entry in entries or []], f"{what} key")
        return self

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.type)

    def option_keys(self) -> list[str]:
        return [option.key for option in self.options or self.items or []]


class SurveyDefinition(Strict):
    key: str = Key
    kind: Literal["customer", "employee", "audit"] = "customer"
    languages: list[Language] = Field(min_length=1)
    title: Texts
    intro: Texts | None = None
    thanks: Texts | None = None
    touchpoint: str | None = Field(default=None, description="touchpoint key")
    anonymous: bool = Field(
        default=False, description="never link responses to a person; always true for employees"
    )
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def consistent(self) -> "SurveyDefinition":
        _unique(list(self.languages), "language")
        _unique([question.key for question in self.questions], "question key")
        if self.kind == "employee":
            self.anonymous = True
        earlier: dict[str, Question] = {}
        for question in self.questions:
            if question.show_if is not None:
                _check_condition(question, question.show_if, earlier)
            earlier[question.key] = question
        return self

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)


def _check_condition(question: Question, condition: ShowIf, earlier: dict[str, Question]) -> None:
    where = f"question {question.key!r}: show_if"
    target = earlier.get(condition.question)
    if target is None:
        raise ValueError(
            f"{where} refers to {condition.question!r}, which is not an earlier question"
        )
    if condition.at_most is not None or condition.at_least is not None:
        if target.scale is None:
            raise ValueError(f"{where} compares numbers, but {target.key!r} is a {target.type}")
    for value in [condition.equals, *(condition.any_of or [])]:
        if value is None:
            continue
        if target.scale is not None:
            low, high = target.scale
            if not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{where}: {value!r} is not on {target.key!r}'s scale")
        elif target.options is not None and value not in target.option_keys():
            raise ValueError(f"{where}: {value!r} is not an option of {target.key!r}")
        elif target.type in ("text", "checklist"):
            raise ValueError(f"{where}: a {target.type} answer can only be tested with 'answered'")


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} appears more than once")
        seen.add(value)


def publish_problems(definition: SurveyDefinition, touchpoints: set[str]) -> list[str]:
    """What stops a definition from being published: missing texts, unknown touchpoints."""
    problems: list[str] = []
    languages = definition.languages

    def need(texts: Texts | None, where: str, required: bool = True) -> None:
        if texts is None:
            if required:
                problems.append(f"{where}: missing")
            return
        for language in languages:
            if not texts.get(language):
                problems.append(f"{where}: no {language} translation")
        for language in texts:
            if language not in languages:
                problems.append(f"{where}: {language} is not one of the survey's languages")

    need(definition.title, "title")
    need(definition.intro, "intro", required=False)
    need(definition.thanks, "thanks", required=False)
    if definition.touchpoint and definition.touchpoint not in touchpoints:
        problems.append(f"touchpoint: {definition.touchpoint!r} is not in the journey")
    for index, question in enumerate(definition.questions):
        where = f"questions[{index}] ({question.key})"
        need(question.text, f"{where}.text")
        need(question.help, f"{where}.help", required=False)
        need(question.low_label, f"{where}.low_label", required=False)
        need(question.high_label, f"{where}.high_label", required=False)
        for kind, entries in (("options", question.options), ("items", question.items)):
            for number, entry in enumerate(entries or []):
                need(entry.text, f"{where}.{kind}[{number}] ({entry.key})")
        if question.touchpoint and question.touchpoint not in touchpoints:
            problems.append(f"{where}.touchpoint: {question.touchpoint!r} is not in the journey")
    return problems


def parse_definition(document: Any) -> SurveyDefinition:
    if not isinstance(document, dict):
        raise DefinitionError(["(file): a survey must be a mapping with key, title and questions"])
    try:
        return SurveyDefinition.model_validate(document)
    except ValidationError as error:
        raise DefinitionError([_describe(problem) for problem in error.errors()]) from None


def load_definition_text(text: str) -> SurveyDefinition:
    """A definition from JSON or YAML text (JSON is YAML, but its errors read better)."""
    try:
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise DefinitionError([f"(file): not valid JSON or YAML: {error}"]) from None
    return parse_definition(document)


def dump_definition(definition: SurveyDefinition, form: Literal["json", "yaml"]) -> str:
    document = definition.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    if form == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def _describe(problem: Any) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    return f"{where.lstrip('.') or '(file)'}: {message}"
