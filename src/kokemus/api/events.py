from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from kokemus.api.body import BadRequest, parse_json, read_body
from kokemus.api.deps import AppDatabase, AppSettings, WriteToken, known_query_only
from kokemus.api.schemas import IngestResult, error_responses
from kokemus.errors import InvalidInput
from kokemus.ingest.files import read_rows
from kokemus.ingest.intake import store_grouped
from kokemus.ingest.messages import ParseOptions
from kokemus.ingest.sources import source_ids_by_name
from kokemus.store import Database
from kokemus.store.base import utcnow

router = APIRouter(
    prefix="/api/v1",
    tags=["Events"],
    responses=error_responses(400, 401, 403, 413, 422),
    dependencies=[Depends(known_query_only)],
)

MAX_ITEMS = 10_000

BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A JSON array of Segment messages, or one message per line (NDJSON).",
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/EventMessage"},
                }
            },
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


def _items(body: bytes, content_type: str) -> list[tuple[int, Any]]:
    if "ndjson" in content_type or "jsonlines" in content_type:
        # Indexes count lines from 0, like a JSON array's items.
        rows = read_rows(body.splitlines(), "jsonl", [], first_line=0)
        return [(row.number, row.message) for row in rows]
    parsed = parse_json(body)
    if not isinstance(parsed, list):
        raise BadRequest("the body must be a JSON array of messages (or NDJSON)")
    return list(enumerate(parsed))


def _sources(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        return source_ids_by_name(session)


@router.post("/events", response_model=IngestResult, openapi_extra=BODY_DOC)
async def post_events(
    request: Request,
    database: AppDatabase,
    settings: AppSettings,
    _token: WriteToken,
    source: str | None = Query(default=None, description="Source for messages that name none"),
) -> IngestResult:
    """Store events from any source; each item may name its own `source`."""
    body = await read_body(request, settings.max_request_bytes)
    items = _items(body, request.headers.get("content-type", ""))
    if len(items) > MAX_ITEMS:
        raise BadRequest(f"send at most {MAX_ITEMS} messages a call")
    sources = await run_in_threadpool(_sources, database)
    if source is not None and source not in sources:
        raise InvalidInput("source", f"unknown source {source!r}")
    options = ParseOptions(
        sources=sources,
        default_source_id=sources[source] if source else None,
        received_at=utcnow(),
        phone_region=settings.default_phone_region,
        max_message_bytes=settings.max_message_bytes,
    )
    report = await run_in_threadpool(store_grouped, request.app.state.group_writer, items, options)
    return IngestResult.model_validate({"success": not report.rejected, **report.as_dict()})
