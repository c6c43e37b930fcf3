"""Alert rules: what the rules file (and the API) says, checked with each error's path.

A rule watches one kind of `signal` (a completed survey response or an event); all its
`when` conditions must hold, and at least one of `any` when that is given. Then its actions
run once for that signal.
"""

from importlib import resources
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, model_validator

from kokemus.cases.durations import DURATION_PATTERN
from kokemus.cases.errors import RulesFileError
from kokemus.cases.models import PRIORITIES

KEY = r"^[a-z0-9][a-z0-9_\-]*$"
Key = Field(pattern=KEY, max_length=64)
OptionalKey = Field(default=None, pattern=KEY, max_length=64)
Duration = Field(pattern=DURATION_PATTERN, description="like 90m, 48h or 2d")
OptionalDuration = Field(default=None, pattern=DURATION_PATTERN, description="like 90m, 48h or 2d")
ScaleType = Literal["rating", "nps", "ces", "expectation"]
SentimentLabel = Literal["negative", "neutral", "positive", "mixed"]
RESPONSE_ONLY = ("score", "detractor", "weak_expectation", "sentiment", "theme", "choice", "survey")
EVENT_ONLY = ("event", "property", "repeat")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _exactly_one(model: BaseModel, names: tuple[str, ...], what: str) -> None:
    given = [name for name in names if getattr(model, name) is not None]
    if len(given) != 1:
        raise ValueError(f"{what} needs exactly one of {', '.join(names)}; got {len(given)}")


class Score(Strict):
    """A scale answer at or beyond a threshold: by question type, or one question."""

    type: ScaleType | None = None
    question: str | None = OptionalKey
    at_most: int | None = None
    at_least: int | None = None

    @model_validator(mode="after")
    def threshold(self) -> "Score":
        if self.type is None and self.question is None:
            raise ValueError("a score condition names a question type or a question")
        if self.at_most is None and self.at_least is None:
            raise ValueError("a score condition needs at_most or at_least")
        return self


class Choice(Strict):
    question: str = Key
    any_of: list[str] = Field(min_length=1)


class Property(Strict):
    """An event property (dotted for nested ones) equal to one of the values."""

    name: str = Field(min_length=1, max_length=200)
    any_of: list[str | int | float | bool] = Field(min_length=1)


class Repeat(Strict):
    """This event is at least the `at_least`-th of these events within the days before."""

    events: list[str] = Field(min_length=1)
    within_days: int = Field(ge=1, le=3650)
    at_least: int = Field(default=2, ge=2, le=1000)


class History(Strict):
    """The customer's past before this signal: cases, events, or weak survey answers."""

    of: Literal["cases", "events", "weak_responses"]
    events: list[str] = Field(default=[], description="event names, for of: events")
    within_days: int = Field(ge=1, le=3650)
    at_least: int = Field(default=1, ge=1, le=1000)

    @model_validator(mode="after")
    def names_for_events(self) -> "History":
        if (self.of == "events") != bool(self.events):
            raise ValueError("history of events names the events, and only it does")
        return self


class Condition(Strict):
    score: Score | None = None
    detractor: Literal[True] | None = Field(default=None, description="an NPS answer of 0-6")
    weak_expectation: Literal[True] | None = Field(
        default=None, description="an expectation answer below expectations (1-2)"
    )
    sentiment: list[SentimentLabel] | None = Field(
        default=None, description="a free-text answer with one of these sentiments"
    )
    theme: list[str] | None = Field(default=None, description="a free-text answer naming one")
    choice: Choice | None = None
    survey: str | None = OptionalKey
    touchpoint: str | None = OptionalKey
    event: list[str] | None = Field(default=None, description="the event is one of these")
    property: Property | None = None
    repeat: Repeat | None = None
    history: History | None = None

    @model_validator(mode="before")
    @classmethod
    def one_value_as_list(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in ("sentiment", "theme", "event"):
                if isinstance(data.get(name), str):
                    data = {**data, name: [data[name]]}
        return data

    @model_validator(mode="after")
    def one_condition(self) -> "Condition":
        _exactly_one(self, tuple(Condition.model_fields), "a condition")
        return self


def condition_name(condition: Condition) -> str:
    return next(name for name in Condition.model_fields if getattr(condition, name) is not None)


class FollowUp(Strict):
    survey: str = Key
    after: str = Duration


class OpenCase(Strict):
    reason: str = Field(min_length=1, max_length=300)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    owner: str = Field(
        default="touchpoint",
        max_length=64,
        description="'touchpoint' (its owner unit) or a unit key",
    )
    sla: str | None = OptionalDuration
    claim: bool = Field(default=False, description="a compensation claim: assess its risk")
    follow_up: FollowUp | None = Field(
        default=None, description="a survey invitation after the case is resolved"
    )


class NotifyEmail(Strict):
    to: list[EmailStr] = []
    unit: str | None = Field(default=None, description="also every user of this unit")

    @model_validator(mode="after")
    def someone(self) -> "NotifyEmail":
        if not self.to and self.unit is None:
            raise ValueError("notify_email needs addresses (to) or a unit")
        return self


class NotifyWebhook(Strict):
    endpoints: list[str] = Field(default=[], description="names; none: every active one")


class InviteSurvey(Strict):
    survey: str = Key
    after: str = Field(default="0m", pattern=DURATION_PATTERN)


class Action(Strict):
    open_case: OpenCase | None = None
    notify_email: NotifyEmail | None = None
    notify_webhook: NotifyWebhook | None = None
    invite_survey: InviteSurvey | None = None

    @model_validator(mode="after")
    def one_action(self) -> "Action":
        _exactly_one(self, tuple(Action.model_fields), "an action")
        return self


class Rule(Strict):
    key: str = Key
    name: str = Field(min_length=1, max_length=200)
    signal: Literal["response", "event"]
    active: bool = True
    when: list[Condition] = Field(min_length=1)
    any: list[Condition] = []
    actions: list[Action] = Field(min_length=1)

    @model_validator(mode="after")
    def conditions_fit(self) -> "Rule":
        wrong = EVENT_ONLY if self.signal == "response" else RESPONSE_ONLY
        for condition in (*self.when, *self.any):
            if condition_name(condition) in wrong:
                raise ValueError(
                    f"a rule on {self.signal}s cannot use the condition {condition_name(condition)}"
                )
        return self


class UnitPolicySpec(Strict):
    unit: str = Key
    sla: str | None = OptionalDuration
    escalate_to: str | None = OptionalKey


class RulesFile(Strict):
    units: list[UnitPolicySpec] = []
    rules: list[Rule] = []

    @model_validator(mode="after")
    def unique_keys(self) -> "RulesFile":
        seen: set[str] = set()
        for rule in self.rules:
            if rule.key in seen:
                raise ValueError(f"rule key {rule.key!r} appears more than once")
            seen.add(rule.key)
        return self


PRIORITY_ORDER = {name: position for position, name in enumerate(PRIORITIES)}


def default_rules_text() -> str:
    return resources.files("kokemus.cases").joinpath("data/rules.yaml").read_text("utf-8")


def parse_rules(text: str) -> RulesFile:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesFileError([f"(file): not valid YAML: {error}"]) from None
    if not isinstance(document, dict):
        raise RulesFileError(["(file): must be a mapping with units and rules"])
    return validate(RulesFile, document)


def parse_rule(document: Any) -> Rule:
    return validate(Rule, document)


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], document: Any) -> M:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise RulesFileError([describe(problem) for problem in error.errors()]) from None


def describe(problem: Any) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    return f"{where.lstrip('.') or '(file)'}: {message}"
