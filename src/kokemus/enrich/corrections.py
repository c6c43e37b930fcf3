"""An analyst corrects what the analysis said about a text: its sentiment or its themes."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kokemus.enrich.models import TextAnalysisRecord, TextCorrection
from kokemus.errors import InvalidInput, NotFound
from kokemus.metrics import rollups
from kokemus.store import dialect
from kokemus.text.sentiment import LABELS
from kokemus.text.themes import default_taxonomy


def known_themes() -> list[str]:
    return list(default_taxonomy().labels)


def correct_labels(
    session: Session,
    analysis_id: int,
    *,
    sentiment: str | None = None,
    themes: Sequence[str] | None = None,
    user_id: int | None = None,
) -> TextAnalysisRecord:
    """Set the right labels; the rollups' theme rows move with the themes.

    The caller holds a write transaction; this takes the survey writers' lock first, as
    every change to the rollups does.
    """
    dialect.take_write_lock(session, "surveys")
    record = session.get(TextAnalysisRecord, analysis_id)
    if record is None:
        raise NotFound(f"no analysed text {analysis_id}")
    if sentiment is not None and sentiment not in LABELS:
        raise InvalidInput("sentiment", f"{sentiment!r} is not one of {', '.join(LABELS)}")
    wanted = _themes(themes) if themes is not None else None
    if sentiment is not None and sentiment != record.sentiment:
        _log(session, record, "sentiment", record.sentiment, sentiment, user_id)
        record.sentiment = sentiment
    if wanted is not None and wanted != record.themes:
        _log(session, record, "themes", record.themes, wanted, user_id)
        response = record.response_id
        before = rollups.response_themes(session, [response]) if response else {}
        record.themes = wanted
        session.flush()
        if response:
            after = rollups.response_themes(session, [response])
            change = (before.get(response, set()), after.get(response, set()))
            if change[0] != change[1]:
                rollups.add_themes(session, {response: change})
    return record


def corrections_of(session: Session, analysis_id: int) -> list[TextCorrection]:
    return list(
        session.scalars(
            select(TextCorrection)
            .where(TextCorrection.analysis_id == analysis_id)
            .order_by(TextCorrection.id)
        )
    )


def _themes(themes: Sequence[str]) -> list[str]:
    known = known_themes()
    unknown = [theme for theme in themes if theme not in known]
    if unknown:
        raise InvalidInput("themes", f"no theme {unknown[0]!r} in the taxonomy")
    # In the taxonomy's order, as the analysis itself lists them.
    return [theme for theme in known if theme in set(themes)]


def _log(
    session: Session,
    record: TextAnalysisRecord,
    field: str,
    before: object,
    after: object,
    user_id: int | None,
) -> None:
    session.add(
        TextCorrection(
            analysis_id=record.id,
            field=field,
            before=before,
            after=after,
            language=record.language,
            redacted=record.redacted,
            user_id=user_id,
        )
    )
