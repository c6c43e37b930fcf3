from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.credentials import hash_secret, new_secret
from kokemus.errors import Conflict, InvalidInput
from kokemus.ingest.models import SOURCE_KINDS, Source
from kokemus.store.base import utcnow


@dataclass(frozen=True)
class CreatedSource:
    id: int
    name: str
    write_key: str


def create_source(session: Session, name: str, kind: str = "other") -> CreatedSource:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("name", "must be 1 to 100 characters")
    if kind not in SOURCE_KINDS:
        raise InvalidInput("kind", f"must be one of {', '.join(SOURCE_KINDS)}")
    if session.scalar(select(Source.id).where(Source.name == name)) is not None:
        raise Conflict(f"a source named {name!r} already exists")
    write_key = new_secret("src")
    source = Source(name=name, kind=kind, write_key_hash=hash_secret(write_key))
    session.add(source)
    session.flush()
    return CreatedSource(id=source.id, name=name, write_key=write_key)


def rotate_write_key(session: Session, name: str) -> CreatedSource:
    """A new key for the source; the old one stops working at once."""
    source = _named(session, name)
    write_key = new_secret("src")
    source.write_key_hash = hash_secret(write_key)
    session.flush()
    return CreatedSource(id=source.id, name=source.name, write_key=write_key)


def disable_source(session: Session, name: str) -> None:
    """Refuse the source's messages from now on; what it sent stays."""
    _named(session, name).disabled_at = utcnow()


def _named(session: Session, name: str) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        raise InvalidInput("name", f"no source named {name!r}")
    return source


def source_for_write_key(session: Session, write_key: str) -> Source | None:
    return session.scalar(
        select(Source).where(
            Source.write_key_hash == hash_secret(write_key), Source.disabled_at.is_(None)
        )
    )


def source_ids_by_name(session: Session) -> dict[str, int]:
    rows = session.execute(select(Source.name, Source.id).where(Source.disabled_at.is_(None)))
    return {str(name): int(source_id) for name, source_id in rows}


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))
