"""Every model, imported in one place so metadata and migrations see them all."""

from kokemus.accounts.models import ApiToken, User, UserSession, UserUnit
from kokemus.audit.models import AuditEntry
from kokemus.cases.models import (
    AlertFiring,
    AlertRule,
    Case,
    CaseClaim,
    CaseContact,
    CaseEntry,
    CaseNotification,
    CaseSignal,
    RootCause,
    UnitPolicy,
)
from kokemus.customers.models import Customer, Identity, Merge
from kokemus.enrich.models import JobCursor, TextAnalysisRecord, TextCorrection
from kokemus.ingest.models import Event, Lock, Source
from kokemus.journeys.models import JourneyVersion, Stage, Touchpoint, TouchpointEvent, Unit
from kokemus.metrics.models import Goal, MetricRollup
from kokemus.surveys.models import Answer, Invitation, Response, Survey, SurveyVersion, Trigger
from kokemus.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "AlertFiring",
    "AlertRule",
    "Answer",
    "ApiToken",
    "AuditEntry",
    "Case",
    "CaseClaim",
    "CaseContact",
    "CaseEntry",
    "CaseNotification",
    "CaseSignal",
    "Customer",
    "Event",
    "Goal",
    "Identity",
    "Invitation",
    "JobCursor",
    "JourneyVersion",
    "Lock",
    "Merge",
    "MetricRollup",
    "Response",
    "RootCause",
    "Source",
    "Stage",
    "Survey",
    "SurveyVersion",
    "TextAnalysisRecord",
    "TextCorrection",
    "Touchpoint",
    "TouchpointEvent",
    "Trigger",
    "Unit",
    "UnitPolicy",
    "User",
    "UserSession",
    "UserUnit",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
