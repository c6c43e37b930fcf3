"""Sending queued webhook messages, with retries and a log of every attempt.

Like the survey sender: a batch is claimed in one short transaction (leased, so a second
sender skips it), posted with no transaction open, and the outcomes recorded in another.
A failure is tried again after 30 s, 1, 2, 4... minutes (at most 6 h apart, or later when
the receiver asks so with Retry-After), and given up after MAX_ATTEMPTS. A receiver that
answers 410 Gone has the endpoint disabled, as Standard Webhooks asks.
"""

import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message

from sqlalchemy import select

from kokemus import __version__
from kokemus.store import Database
from kokemus.store.base import utcnow
from kokemus.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from kokemus.webhooks.signing import headers

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
BATCH = 50
ERROR_CHARS = 500


def backoff(attempts: int, retry_after: timedelta | None = None) -> timedelta:
    """The wait after the `attempts`-th failed try."""
    wait = min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_WAIT)
    if retry_after is not None:
        wait = min(max(wait, retry_after), LONGEST_WAIT)
    return wait


@dataclass(frozen=True)
class _Claim:
    delivery_id: int
    url: str
    secret: str
    message_id: str
    body: bytes


@dataclass(frozen=True)
class _Outcome:
    status: int | None
    error: str | None
    duration_ms: int
    retry_after: timedelta | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET without the body: count it as a failure.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, secret: str, message_id: str, body: bytes) -> _Outcome:
    signed = headers(secret, message_id, int(time.time()), body)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers=signed
        | {"content-type": "application/json", "user-agent": f"Kokemus-Webhooks/{__version__}"},
    )
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return _Outcome(response.status, None, took())
    except urllib.error.HTTPError as error:
        return _Outcome(error.code, f"HTTP {error.code}", took(), _retry_after(error.headers))
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return _Outcome(None, f"{type(error).__name__}: {reason}"[:ERROR_CHARS], took())


def _retry_after(received: Message) -> timedelta | None:
    value = received.get("Retry-After", "") if received is not None else ""
    return timedelta(seconds=int(value)) if value.strip().isdigit() else None


def deliver_due(
    database: Database, now: datetime | None = None, batch: int = BATCH
) -> DeliveryReport:
    report = DeliveryReport()
    while True:
        claims = _claim(database, now or utcnow(), batch)
        if not claims:
            return report
        outcomes = [
            (claim, post(claim.url, claim.secret, claim.message_id, claim.body)) for claim in claims
        ]
        _record(database, outcomes, now or utcnow(), report)
        if len(claims) < batch:
            return report


def _claim(database: Database, now: datetime, batch: int) -> list[_Claim]:
    with database.write_transaction() as session:
        rows = session.execute(
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(batch)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
        claims = []
        for delivery, endpoint in rows:
            if not endpoint.active:
                delivery.status, delivery.last_error = "failed", "the endpoint is disabled"
                continue
            delivery.next_attempt_at = now + LEASE
            claims.append(
                _Claim(
                    delivery.id,
                    endpoint.url,
                    endpoint.secret,
                    delivery.message_id,
                    delivery.body.encode(),
                )
            )
    return claims


def _record(
    database: Database,
    outcomes: list[tuple[_Claim, _Outcome]],
    now: datetime,
    report: DeliveryReport,
) -> None:
    with database.write_transaction() as session:
        for claim, outcome in outcomes:
            delivery = session.get(WebhookDelivery, claim.delivery_id)
            if delivery is None or delivery.status != "pending":
                continue
            session.add(
                WebhookAttempt(
                    delivery_id=delivery.id,
                    at=now,
                    status_code=outcome.status,
                    error=outcome.error,
                    duration_ms=outcome.duration_ms,
                )
            )
            delivery.attempts += 1
            delivery.last_status, delivery.last_error = outcome.status, outcome.error
            if outcome.ok:
                delivery.status, delivery.delivered_at = "delivered", now
                report.delivered += 1
            elif outcome.status == 410 or delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = "failed"
                report.failed += 1
                if outcome.status == 410:
                    _disable(session.get(WebhookEndpoint, delivery.endpoint_id), now)
                logger.warning("webhook %s given up: %s", delivery.message_id, outcome.error)
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts, outcome.retry_after)
                report.retried += 1


def _disable(endpoint: WebhookEndpoint | None, now: datetime) -> None:
    if endpoint is not None and endpoint.active:
        endpoint.active, endpoint.disabled_at = False, now
        endpoint.disabled_reason = "the receiver answered 410 Gone"
