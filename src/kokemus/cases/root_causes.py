"""The organisation's root-cause taxonomy: a data file it edits, kept in the store."""

from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.cases.errors import RulesFileError
from kokemus.cases.models import RootCause
from kokemus.cases.rules import KEY, validate
from kokemus.errors import InvalidInput


class RootCauseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(pattern=KEY, max_length=64)
    names: dict[str, str] = Field(min_length=1, description="by language: fi, sv, en")


class Taxonomy(BaseModel):
    causes: list[RootCauseSpec] = Field(min_length=1)


def default_text() -> str:
    return resources.files("kokemus.cases").joinpath("data/root_causes.yaml").read_text("utf-8")


def parse(text: str) -> list[RootCauseSpec]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesFileError([f"(file): not valid YAML: {error}"]) from None
    causes = validate(Taxonomy, {"causes": document}).causes
    keys = [cause.key for cause in causes]
    for position, key in enumerate(keys):
        if key in keys[:position]:
            raise RulesFileError([f"causes[{position}].key: {key!r} appears more than once"])
    return causes


def load(session: Session, causes: list[RootCauseSpec]) -> int:
    """Make the stored taxonomy the file's; causes left out stay, inactive."""
    stored = {cause.key: cause for cause in session.scalars(select(RootCause))}
    for cause in stored.values():
        cause.active = False
    for position, spec in enumerate(causes):
        cause = stored.get(spec.key) or RootCause(key=spec.key)
        cause.names, cause.position, cause.active = dict(spec.names), position, True
        session.add(cause)
    session.flush()
    return len(causes)


def ensure_defaults(session: Session) -> None:
    if session.scalar(select(RootCause.id).limit(1)) is None:
        load(session, parse(default_text()))


def listed(session: Session, *, active_only: bool = True) -> list[RootCause]:
    ensure_defaults(session)
    query = select(RootCause).order_by(RootCause.active.desc(), RootCause.position)
    if active_only:
        query = query.where(RootCause.active)
    return list(session.scalars(query))


def check_key(session: Session, key: str) -> RootCause:
    found = {cause.key: cause for cause in listed(session)}
    if key not in found:
        raise InvalidInput(
            "root_cause", f"{key!r} is not in the taxonomy; use one of {', '.join(found)}"
        )
    return found[key]
