"""Reading request bodies that may be large, gzipped or hostile."""

import zlib

import orjson
from fastapi import Request

from kokemus.errors import DomainError


class PayloadTooLarge(DomainError):
    status_code = 413


class BadRequest(DomainError):
    status_code = 400


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    encoding = request.headers.get("content-encoding", "identity").lower()
    if encoding not in ("identity", "gzip"):
        raise BadRequest(f"unsupported Content-Encoding {encoding!r}; send gzip or nothing")
    gunzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        if gunzip is not None:
            try:
                chunk = gunzip.decompress(chunk, limit + 1 - size)
            except zlib.error:
                raise BadRequest("the body is not valid gzip") from None
            if gunzip.unconsumed_tail:
                raise PayloadTooLarge(f"the body unpacks to more than {limit} bytes")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> object:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"the body is not valid JSON: {error}") from None
