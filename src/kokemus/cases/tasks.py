"""The loop's background work, run by `kokemus serve` (one process per store) or at once
by `kokemus cases evaluate`.

Rules read new survey answers and events by cursor, as the text analysis does: both tables
are append-only by id. A response is evaluated once its free-text answers are analysed (or
it has none, or ANALYSIS_WAIT has passed); until then the answer cursor waits before it.
Signals older than MAX_SIGNAL_AGE when first read open nothing: turning rules on over a
store's history must not flood it with cases.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kokemus.cases import root_causes
from kokemus.cases.access import COMMAND_LINE
from kokemus.cases.context import CaseContext
from kokemus.cases.escalation import escalate
from kokemus.cases.evaluate import fire, matches
from kokemus.cases.notify import send_due
from kokemus.cases.rule_store import active_rules
from kokemus.cases.rules import Rule
from kokemus.cases.signals import History, Signal, load_events, load_responses
from kokemus.config import Settings
from kokemus.enrich.models import JobCursor, TextAnalysisRecord
from kokemus.ingest.models import Event
from kokemus.store import Database, dialect
from kokemus.store.base import utcnow
from kokemus.surveys.models import Answer, Response
from kokemus.webhooks.delivery import deliver_due

logger = logging.getLogger(__name__)

ANSWER_CURSOR = "cases-answers"
EVENT_CURSOR = "cases-events"
SCAN = 2000
ANALYSIS_WAIT = timedelta(minutes=10)
MAX_SIGNAL_AGE = timedelta(days=14)
INTERVAL_SECONDS = 15.0
JOB_ID = "kokemus-cases"


@dataclass
class EvaluationReport:
    responses: int = 0
    events: int = 0
    fired: list[tuple[str, int | None]] = field(default_factory=list)  # (rule, case id)
    waiting: int = 0  # responses whose texts are not analysed yet

    @property
    def cases(self) -> set[int]:
        return {case for _, case in self.fired if case is not None}


def _cursor(session: Session, name: str) -> JobCursor:
    found = session.get(JobCursor, name)
    if found is None:
        found = JobCursor(name=name, position=0, updated_at=utcnow())
        session.add(found)
    return found


def start_at(session: Session, moment: datetime) -> None:
    """Let the rules see the answers and events from `moment` on (ids follow time in a
    store loaded in order, as the demo is); what is older stays history."""
    first_answer = session.scalar(
        select(func.min(Answer.id))
        .join(Response, Answer.response_id == Response.id)
        .where(Response.submitted_at >= moment)
    )
    first_event = session.scalar(select(func.min(Event.id)).where(Event.occurred_at >= moment))
    for name, table, first in (
        (ANSWER_CURSOR, "survey_answers", first_answer),
        (EVENT_CURSOR, "events", first_event),
    ):
        cursor = _cursor(session, name)
        cursor.position = first - 1 if first is not None else dialect.highest_id(session, table)
        cursor.updated_at = utcnow()


def _fire_all(
    ctx: CaseContext,
    rules: list[Rule],
    found: list[Signal],
    report: EvaluationReport,
    max_age: timedelta,
) -> None:
    history = History(ctx.session)
    for signal in found:
        if signal.at < ctx.now - max_age:
            continue
        for rule in rules:
            if matches(rule, signal, history):
                fired = fire(ctx, rule, signal)
                if fired is not None:
                    report.fired.append((fired.rule, fired.case_id))


def _ready(session: Session, response_ids: list[int], now: datetime) -> dict[int, bool]:
    texts = session.execute(
        select(Answer.response_id, func.count(Answer.id), func.count(TextAnalysisRecord.id))
        .outerjoin(TextAnalysisRecord, TextAnalysisRecord.answer_id == Answer.id)
        .where(
            Answer.response_id.in_(response_ids),
            Answer.question_type == "text",
            Answer.text.is_not(None),
        )
        .group_by(Answer.response_id)
    )
    unanalysed = {response_id for response_id, total, done in texts if done < total}
    if not unanalysed:
        return dict.fromkeys(response_ids, True)
    submitted = dict(
        session.execute(
            select(Response.id, Response.submitted_at).where(Response.id.in_(unanalysed))
        ).all()
    )
    return {
        response_id: response_id not in unanalysed
        or (submitted.get(response_id) or now) <= now - ANALYSIS_WAIT
        for response_id in response_ids
    }


def _responses_batch(
    ctx: CaseContext, rules: list[Rule], report: EvaluationReport, max_age: timedelta
) -> int:
    cursor = _cursor(ctx.session, ANSWER_CURSOR)
    rows = ctx.session.execute(
        select(Answer.id, Answer.response_id)
        .where(Answer.id > cursor.position)
        .order_by(Answer.id)
        .limit(SCAN)
    ).all()
    if not rows:
        return 0
    first: dict[int, int] = {}
    for answer_id, response_id in rows:
        first.setdefault(response_id, answer_id)
    ready = _ready(ctx.session, list(first), ctx.now)
    position = rows[-1][0]
    take = []
    for response_id, answer_id in first.items():
        if not ready[response_id]:
            position = answer_id - 1
            report.waiting += 1
            break
        take.append(response_id)
    if rules and take:
        _fire_all(ctx, rules, load_responses(ctx.session, take), report, max_age)
    report.responses += len(take)
    moved = position > cursor.position
    cursor.position, cursor.updated_at = max(cursor.position, position), ctx.now
    return len(take) if moved else 0


def _events_batch(
    ctx: CaseContext, rules: list[Rule], report: EvaluationReport, max_age: timedelta
) -> int:
    cursor = _cursor(ctx.session, EVENT_CURSOR)
    rows = ctx.session.execute(
        select(
            Event.id,
            Event.name,
            Event.identity_id,
            Event.touchpoint_id,
            Event.occurred_at,
            Event.properties,
        )
        .where(Event.id > cursor.position, Event.type.in_(("track", "page", "screen")))
        .order_by(Event.id)
        .limit(SCAN)
    ).all()
    if not rows:
        return 0
    if rules:
        _fire_all(ctx, rules, load_events(ctx.session, rows), report, max_age)
    report.events += len(rows)
    cursor.position, cursor.updated_at = rows[-1][0], ctx.now
    return len(rows)


def evaluate_pending(
    database: Database,
    *,
    now: datetime | None = None,
    public_url: str | None = None,
    max_age: timedelta = MAX_SIGNAL_AGE,
) -> EvaluationReport:
    """Evaluate the rules on every new response and event, batch by batch; signals older
    than `max_age` open nothing."""
    report = EvaluationReport()
    while True:
        with database.write_transaction() as session:
            ctx = _context(session, now, public_url)
            root_causes.ensure_defaults(session)
            rules = active_rules(session)
            by_kind = {
                kind: [r for r in rules if r.signal == kind] for kind in ("response", "event")
            }
            done = _responses_batch(ctx, by_kind["response"], report, max_age)
            done += _events_batch(ctx, by_kind["event"], report, max_age)
        if not done:
            return report


def _context(session: Session, now: datetime | None, public_url: str | None) -> CaseContext:
    ctx = CaseContext(session, COMMAND_LINE, now or utcnow())
    if public_url is not None:
        ctx.public_url = public_url
    return ctx


def escalate_due(
    database: Database, *, now: datetime | None = None, public_url: str | None = None
) -> int:
    with database.write_transaction() as session:
        return escalate(_context(session, now, public_url))


@dataclass(frozen=True)
class RunReport:
    evaluation: EvaluationReport
    escalated: int
    webhooks_delivered: int
    emails_sent: int


def run_once(database: Database, settings: Settings, now: datetime | None = None) -> RunReport:
    """Everything the loop does in the background, once."""
    evaluation = evaluate_pending(database, now=now, public_url=settings.public_url)
    escalated = escalate_due(database, now=now, public_url=settings.public_url)
    delivered = deliver_due(database, now)
    sent = send_due(database, settings, now)
    return RunReport(evaluation, escalated, delivered.delivered, sent)


def _run_logged(database: Database, settings: Settings) -> None:
    try:
        run_once(database, settings)
    except Exception:
        logger.exception("the cases job failed; it runs again shortly")


def start_jobs(
    database: Database, settings: Settings, *, interval_seconds: float = INTERVAL_SECONDS
) -> BackgroundScheduler:
    """Run the loop's work every `interval_seconds` in a background thread; stop it with
    `.shutdown()`. Start one per store, not one per web worker."""
    scheduler = BackgroundScheduler(timezone=ZoneInfo(settings.timezone))
    scheduler.add_job(
        _run_logged,
        "interval",
        args=(database, settings),
        seconds=interval_seconds,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
