"""When a clock runs out: the case's priority goes up a step, the unit above (or the
owner's escalate_to) is emailed, and the webhooks hear of it. Once per clock and due time."""

from sqlalchemy import select

from kokemus.cases import notify, sla
from kokemus.cases.context import CaseContext, emit, entry
from kokemus.journeys.models import Unit


def escalate(ctx: CaseContext) -> int:
    found = sla.breaches(ctx.session, ctx.now)
    for breach in found:
        case = breach.case
        if breach.clock == "sla":
            case.sla_escalated_at = ctx.now
        else:
            case.partner_escalated_at = ctx.now
        case.escalation_level += 1
        before, case.priority = case.priority, sla.raised(case.priority)
        to_unit = sla.escalation_unit(ctx.session, breach.unit_id)
        to_key = ctx.session.scalar(select(Unit.key).where(Unit.id == to_unit)) if to_unit else None
        details = {
            "clock": breach.clock,
            "due": breach.due.isoformat(),
            "priority": {"from": before, "to": case.priority},
            "to_unit": to_key,
        }
        entry(ctx, case, "escalated", details)
        if to_unit is not None:
            recipients = notify.unit_emails(ctx.session, to_unit)
            late = "the partner's time" if breach.clock == "partner" else "its SLA"
            subject = f"[Kokemus] Case #{case.id} is past {late}: {case.reason}"
            body = (
                f"Case #{case.id} ({case.reason}) was due {breach.due:%Y-%m-%d %H:%M} UTC.\n"
                f"Priority is now {case.priority}.\n{ctx.public_url.rstrip('/')}/cases/{case.id}\n"
            )
            notify.queue(ctx.session, recipients, subject, body, now=ctx.now, case_id=case.id)
        emit(ctx, "case.escalated", case, escalation=details)
    return len(found)
