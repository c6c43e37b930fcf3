"""Validating Segment-shaped messages: one shape for HTTP, files and the CLI."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from kokemus.customers.identity import (
    InvalidIdentity,
    normalise_email,
    normalise_id,
    normalise_phone,
)
from kokemus.ingest.models import MESSAGE_TYPES

MAX_NAME_LENGTH = 200
MAX_MESSAGE_ID_LENGTH = 200


@dataclass(slots=True)
class Message:
    index: int
    source_id: int
    message_id: str
    type: str
    name: str | None
    user_id: str | None
    anonymous_id: str | None
    previous_id: str | None
    email: str | None
    phone: str | None
    traits: dict[str, Any] | None
    occurred_at: datetime
    properties: dict[str, Any] | None
    context: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Rejection:
    index: int
    field: str
    error: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "error": self.error}


class Invalid(Exception):
    def __init__(self, field: str, error: str) -> None:
        super().__init__(f"{field}: {error}")
        self.field = field
        self.error = error


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """What a message is read against: its sender and the defaults of the channel."""

    sources: Mapping[str, int]
    default_source_id: int | None
    received_at: datetime
    phone_region: str = "FI"
    max_message_bytes: int = 32 * 1024
    forced_type: str | None = None


@dataclass(frozen=True, slots=True)
class Unparsable:
    """A line or row that could not even be read as a message."""

    error: str


def parse_message(raw: Any, index: int, options: ParseOptions) -> Message | Rejection:
    if isinstance(raw, Unparsable):
        return Rejection(index, "", raw.error)
    try:
        return _parse(raw, index, options)
    except Invalid as invalid:
        return Rejection(index, invalid.field, invalid.error)


def _parse(raw: Any, index: int, options: ParseOptions) -> Message:
    if not isinstance(raw, dict):
        raise Invalid("", "must be a JSON object")
    kind = options.forced_type or raw.get("type")
    if kind not in MESSAGE_TYPES:
        raise Invalid("type", f"must be one of {', '.join(MESSAGE_TYPES)}")

    source_id = _source(raw, options)
    user_id = _optional_id(raw, "userId")
    anonymous_id = _optional_id(raw, "anonymousId")
    previous_id = _optional_id(raw, "previousId")
    if kind == "alias":
        if previous_id is None:
            raise Invalid("previousId", "required for alias")
        if user_id is None:
            raise Invalid("userId", "required for alias")
    elif user_id is None and anonymous_id is None:
        raise Invalid("userId", "userId or anonymousId is required")

    properties = _object(raw, "properties")
    traits = _object(raw, "traits")
    context = _object(raw, "context")
    context_traits = _object(context, "traits", "context.traits") if context else None

    name: str | None = None
    if kind == "track":
        name = _text(raw.get("event"), "event", required=True)
    elif kind in ("page", "screen"):
        name = _text(raw.get("name"), "name") or _text(
            (properties or {}).get("name"), "properties.name"
        )

    email = _contact(traits, context_traits, "email", normalise_email, None)
    phone = _contact(traits, context_traits, "phone", normalise_phone, options.phone_region)

    encoded_size = len(orjson.dumps(raw))
    if encoded_size > options.max_message_bytes:
        raise Invalid(
            "", f"message is {encoded_size} bytes; the limit is {options.max_message_bytes}"
        )

    return Message(
        index=index,
        source_id=source_id,
        message_id=_message_id(raw),
        type=kind,
        name=name,
        user_id=user_id,
        anonymous_id=anonymous_id,
        previous_id=previous_id,
        email=email,
        phone=phone,
        traits=traits if kind == "identify" else None,
        occurred_at=_timestamp(raw, options.received_at),
        properties=traits if kind in ("identify", "group") else properties,
        context=context or None,
    )


def _source(raw: dict[str, Any], options: ParseOptions) -> int:
    named = raw.get("source")
    if named is None:
        if options.default_source_id is None:
            raise Invalid("source", "no source given (set one for the file or on the line)")
        return options.default_source_id
    if not isinstance(named, str) or named not in options.sources:
        raise Invalid("source", f"unknown source {str(named)[:100]!r}")
    return options.sources[named]


def _optional_id(raw: dict[str, Any], field: str) -> str | None:
    value = raw.get(field)
    if value is None or value == "":
        return None
    try:
        return normalise_id(value)
    except InvalidIdentity as error:
        raise Invalid(field, str(error)) from None


def _object(holder: dict[str, Any], key: str, field: str | None = None) -> dict[str, Any] | None:
    value = holder.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Invalid(field or key, "must be a JSON object")
    return value


def _text(value: Any, field: str, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise Invalid(field, "required")
        return None
    if not isinstance(value, str):
        raise Invalid(field, "must be a string")
    value = value.strip()
    if len(value) > MAX_NAME_LENGTH:
        raise Invalid(field, f"longer than {MAX_NAME_LENGTH} characters")
    if required and not value:
        raise Invalid(field, "required")
    return value or None


def _contact(
    traits: dict[str, Any] | None,
    context_traits: dict[str, Any] | None,
    key: str,
    normalise: Any,
    region: str | None,
) -> str | None:
    for holder, prefix in ((traits, "traits"), (context_traits, "context.traits")):
        value = holder.get(key) if holder else None
        if value is None or value == "":
            continue
        field = f"{prefix}.{key}"
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise Invalid(field, "must be a string")
        try:
            normalised: str = (
                normalise(str(value)) if region is None else normalise(str(value), region)
            )
        except InvalidIdentity as error:
            raise Invalid(field, str(error)) from None
        return normalised
    return None


def _message_id(raw: dict[str, Any]) -> str:
    value = raw.get("messageId")
    if value is None or value == "":
        # Without an id, the content itself identifies the message, so a re-sent file
        # or line is still stored once.
        digest = hashlib.sha1(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)).hexdigest()
        return f"content-{digest}"
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Invalid("messageId", "must be a string")
    text_value = str(value)
    if len(text_value) > MAX_MESSAGE_ID_LENGTH:
        raise Invalid("messageId", f"longer than {MAX_MESSAGE_ID_LENGTH} characters")
    return text_value


def _timestamp(raw: dict[str, Any], received_at: datetime) -> datetime:
    for field in ("timestamp", "originalTimestamp"):
        value = raw.get(field)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise Invalid(field, "must be an ISO 8601 date-time string")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(field, f"not an ISO 8601 date-time: {value[:40]!r}") from None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return received_at
