"""Shapes for the API's documentation and answers."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SegmentMessage(BaseModel):
    """One Segment message (see Segment's HTTP Tracking API spec)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["track", "page", "screen", "identify", "alias", "group"] | None = Field(
        default=None, description="Required in a batch; implied by the single-call routes."
    )
    userId: str | int | None = Field(default=None, description="Numbers become strings.")
    anonymousId: str | int | None = None
    previousId: str | int | None = Field(default=None, description="alias only")
    event: str | None = Field(default=None, description="track only")
    name: str | None = Field(default=None, description="page and screen")
    properties: dict[str, Any] | None = None
    traits: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    timestamp: datetime | None = None
    messageId: str | int | None = Field(
        default=None, description="Unique per source; a message sent again is stored once."
    )


class EventMessage(SegmentMessage):
    """A message for /api/v1/events, where one call may carry several sources' events."""

    source: str | None = Field(
        default=None, description="The source's name; the call's ?source= when absent."
    )


class SegmentBatch(BaseModel):
    batch: list[SegmentMessage]
    sentAt: datetime | None = None
    writeKey: str | None = Field(default=None, description="Alternative to HTTP basic auth.")


class RejectedItem(BaseModel):
    index: int = Field(description="Position of the item in the batch (0-based) or file row.")
    field: str = Field(description="The field at fault; empty for the item as a whole.")
    error: str


class IngestResult(BaseModel):
    success: bool = Field(description="True when every item was stored (or already was).")
    accepted: int
    duplicates: int = Field(description="Items already stored earlier with the same messageId.")
    rejected: list[RejectedItem]
    customers_created: int
    merges: int


class Problem(BaseModel):
    field: str
    error: str


class ErrorBody(BaseModel):
    code: str = Field(description="bad_request, unauthorized, forbidden, not_found, ...")
    message: str
    field: str | None = Field(default=None, description="The input at fault, when one is.")
    problems: list[Problem] | None = Field(default=None, description="Every invalid input.")


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error answers a route can give."""
    meaning = {
        400: "The request cannot be read",
        401: "Missing or unknown credentials",
        403: "The credentials do not allow this",
        404: "Not found",
        409: "Conflicts with the current state",
        413: "The body is too large",
        422: "Invalid input; the field is named",
    }
    return {status: {"model": ErrorBody, "description": meaning[status]} for status in statuses}
