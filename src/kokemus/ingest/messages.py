"""Validating Segment-shaped messages: one shape for HTTP, files and the CLI."""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from kokemus.customers.identity import (
    MAX_ID_LENGTH,
    IdentityKey,
    InvalidIdentity,
    normalise_email,
    normalise_id,
    normalise_phone,
)
from kokemus.customers.models import GLOBAL_SCOPE
from kokemus.ingest.models import MESSAGE_TYPES
from kokemus.store.dialect import utc_text

MAX_NAME_LENGTH = 200
MAX_MESSAGE_ID_LENGTH = 200
# Experience data from before 1900 or after 2200 is a mistake, not history.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class Message:
    """A valid message, reduced to what storing it needs."""

    index: int
    source_id: int
    message_id: str
    type: str
    name: str | None
    # The identities it carries, the sender's own id for the person first.
    keys: tuple[IdentityKey, ...]  # an alias's previous id joins once it is resolved
    previous_id: str | None  # alias only
    traits: dict[str, Any] | None  # identify only: they update the profile
    # When it happened, as UTC text "YYYY-MM-DD HH:MM:SS.ffffff": it sorts as time does
    # and crosses processes and into the store without conversions.
    occurred: str
    properties_json: str | None
    context_json: str | None

    @property
    def needs_customer(self) -> bool:
        """Its traits update the customer's profile, so its customer must be known."""
        return bool(self.traits)

    def to_wire(self) -> tuple[Any, ...]:
        """Plain values only, so a batch crosses a process boundary cheaply."""
        traits = orjson.dumps(self.traits).decode() if self.traits else None
        return (
            self.index,
            self.source_id,
            self.message_id,
            self.type,
            self.name,
            self.keys,
            self.previous_id,
            traits,
            self.occurred,
            self.properties_json,
            self.context_json,
        )

    @classmethod
    def from_wire(cls, wire: tuple[Any, ...]) -> "Message":
        index, source_id, message_id, kind, name, keys, previous, traits, occurred, props, ctx = (
            wire
        )
        return cls(
            index,
            source_id,
            message_id,
            kind,
            name,
            keys,
            previous,
            orjson.loads(traits) if traits else None,
            occurred,
            props,
            ctx,
        )


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
    kind = raw.get("type")
    if options.forced_type is not None:
        if kind is not None and kind != options.forced_type:
            raise Invalid("type", f"must be {options.forced_type!r} here, or left out")
        kind = options.forced_type
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

    # Both are checked whatever the type, since the contract says what they are.
    event = _text(raw.get("event"), "event", required=kind == "track")
    page = _text(raw.get("name"), "name")
    name: str | None = None
    if kind == "track":
        name = event
    elif kind in ("page", "screen"):
        name = page or _text((properties or {}).get("name"), "properties.name")

    email = phone = None
    if traits or context_traits:
        email = _contact(traits, context_traits, "email", normalise_email, None)
        phone = _contact(traits, context_traits, "phone", normalise_phone, options.phone_region)

    try:
        encoded = orjson.dumps(raw)
    except orjson.JSONEncodeError as error:  # e.g. an integer beyond 64 bits from a CSV
        raise Invalid("", f"cannot be stored as JSON: {error}") from None
    if len(encoded) > options.max_message_bytes:
        raise Invalid(
            "", f"message is {len(encoded)} bytes; the limit is {options.max_message_bytes}"
        )
    if b"\\u0000" in encoded:
        _refuse_nul(raw)

    keys: list[IdentityKey] = []
    if user_id is not None:
        keys.append(("user_id", source_id, user_id))
    if anonymous_id is not None:
        keys.append(("anonymous_id", GLOBAL_SCOPE, anonymous_id))
    if email is not None:
        keys.append(("email", GLOBAL_SCOPE, email))
    if phone is not None:
        keys.append(("phone", GLOBAL_SCOPE, phone))
    stored = traits if kind in ("identify", "group") else properties
    return Message(
        index=index,
        source_id=source_id,
        message_id=_message_id(raw),
        type=kind,
        name=name,
        keys=tuple(keys),
        previous_id=previous_id,
        traits=traits if kind == "identify" else None,
        occurred=utc_text(_timestamp(raw, options.received_at)),
        properties_json=orjson.dumps(stored).decode() if stored else None,
        context_json=orjson.dumps(context).decode() if context else None,
    )


def _refuse_nul(raw: dict[str, Any]) -> None:
    """Name the field with a NUL character: no store can keep one in text."""
    for key, value in raw.items():
        if b"\\u0000" in orjson.dumps(value):
            raise Invalid(key, "contains a NUL character (\\u0000), which cannot be stored")


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
    if type(value) is str and len(value) <= MAX_ID_LENGTH and value == value.strip():
        return value  # the common case, already clean
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
    normalise: Callable[..., str],
    region: str | None,
) -> str | None:
    for holder, prefix in ((traits, "traits"), (context_traits, "context.traits")):
        if not holder:
            continue
        value = holder.get(key)
        if value is None or value == "":
            continue
        field = f"{prefix}.{key}"
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise Invalid(field, "must be a string")
        try:
            return normalise(str(value)) if region is None else normalise(str(value), region)
        except InvalidIdentity as error:
            raise Invalid(field, str(error)) from None
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
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        elif parsed.tzinfo is not UTC:
            if not EARLIEST <= parsed <= LATEST:
                raise Invalid(field, "must be between the years 1900 and 2200")
            parsed = parsed.astimezone(UTC)
        if not EARLIEST <= parsed <= LATEST:
            raise Invalid(field, "must be between the years 1900 and 2200")
        return parsed
    return received_at
