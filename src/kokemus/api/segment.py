"""Segment-compatible intake: apps instrumented with Segment libraries send here unchanged."""

import base64
import binascii
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from kokemus.accounts.service import Unauthorized
from kokemus.api.body import BadRequest, parse_json, read_body
from kokemus.api.deps import AppDatabase, AppSettings, known_query_only
from kokemus.api.schemas import IngestResult, SegmentBatch, SegmentMessage, error_responses
from kokemus.config import Settings
from kokemus.credentials import hash_secret
from kokemus.errors import InvalidInput
from kokemus.ingest.intake import store_grouped
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.sources import source_for_write_key
from kokemus.store import Database
from kokemus.store.base import utcnow

router = APIRouter(
    prefix="/v1",
    tags=["Segment-compatible intake"],
    responses=error_responses(400, 401, 413, 422),
    dependencies=[Depends(known_query_only)],
)

MAX_BATCH_ITEMS = 10_000


def _header_write_key(authorization: str | None) -> str | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("malformed basic auth header") from None
    return decoded.split(":", 1)[0] or None


def _body_write_key(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("writeKey"), str):
        return str(body["writeKey"])
    raise Unauthorized("send the source's write key as the basic-auth user name")


class WriteKeys:
    """Write key → source, remembered for a minute so each call need not look it up.

    A source disabled (or a key rotated) is refused at most `ttl` seconds later.
    """

    def __init__(self, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._known: dict[str, tuple[int, float]] = {}

    def remembered(self, key: str) -> int | None:
        known = self._known.get(hash_secret(key))
        return known[0] if known is not None and known[1] > time.monotonic() else None

    def forget(self) -> None:
        """After a key is rotated or a source disabled here: no need to wait out the ttl."""
        self._known.clear()

    def source_id(self, database: Database, key: str) -> int:
        """The key's source, from memory or else the store (a blocking call)."""
        remembered = self.remembered(key)
        if remembered is not None:
            return remembered
        digest = hash_secret(key)
        now = time.monotonic()
        with database.transaction() as session:
            source = source_for_write_key(session, key)
        if source is None:
            raise Unauthorized("unknown write key")
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[digest] = (source.id, now + self.ttl)
        return source.id


async def _source_id(request: Request, database: Database, key: str) -> int:
    write_keys: WriteKeys = request.app.state.write_keys
    remembered = write_keys.remembered(key)
    if remembered is not None:
        return remembered
    return await run_in_threadpool(write_keys.source_id, database, key)


async def _receive(
    request: Request,
    database: Database,
    settings: Settings,
    authorization: str | None,
    forced_type: str | None,
) -> IngestResult:
    # Who is calling is settled before a large body is read, when the header says it.
    header_key = _header_write_key(authorization)
    source_id = await _source_id(request, database, header_key) if header_key else None
    body = parse_json(await read_body(request, settings.max_request_bytes))
    if source_id is None:
        source_id = await _source_id(request, database, _body_write_key(body))
    if forced_type is None:
        items = body.get("batch") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise BadRequest("the body must be an object with a 'batch' array")
        if len(items) > MAX_BATCH_ITEMS:
            raise BadRequest(f"a batch holds at most {MAX_BATCH_ITEMS} messages")
    else:
        if not isinstance(body, dict):
            raise BadRequest("the body must be one message: a JSON object")
        items = [body]
    options = ParseOptions(
        sources={},
        default_source_id=source_id,
        received_at=utcnow(),
        phone_region=settings.default_phone_region,
        max_message_bytes=settings.max_message_bytes,
        forced_type=forced_type,
    )
    # A message names no source here: the write key decides it.
    raws = [(index, _without_source(item)) for index, item in enumerate(items)]
    report = await run_in_threadpool(store_grouped, request.app.state.group_writer, raws, options)
    if forced_type is not None and report.rejected:
        # A single call's one message was refused: say so with the field, as a 4xx.
        raise InvalidInput(report.rejected[0].field or "body", report.rejected[0].error)
    return IngestResult.model_validate({"success": not report.rejected, **report.as_dict()})


def _without_source(item: Any) -> Any:
    if isinstance(item, dict) and "source" in item:
        return {key: value for key, value in item.items() if key != "source"}
    return item


def _documented(schema: type) -> dict[str, Any]:
    name = schema.__name__
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
    }


Authorization = Annotated[str | None, Header(description="Basic auth: the write key as user")]


@router.post("/batch", response_model=IngestResult, openapi_extra=_documented(SegmentBatch))
async def batch(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    authorization: Authorization = None,
) -> IngestResult:
    """Up to 10,000 messages of any type; answers which items were refused and why."""
    return await _receive(request, database, settings, authorization, None)


def _single(kind: str) -> Any:
    async def receive(
        request: Request,
        database: AppDatabase,
        settings: AppSettings,
        authorization: Authorization = None,
    ) -> IngestResult:
        return await _receive(request, database, settings, authorization, kind)

    receive.__name__ = kind
    receive.__doc__ = f"One {kind} message."
    return receive


for _kind in ("track", "identify", "page", "screen", "alias", "group"):
    router.add_api_route(
        f"/{_kind}",
        _single(_kind),
        methods=["POST"],
        response_model=IngestResult,
        openapi_extra=_documented(SegmentMessage),
    )
