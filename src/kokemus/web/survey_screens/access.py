"""Who may do what on the survey screens.

Admins and analysts build, publish and close surveys and manage their triggers; they see
every survey. Managers, frontline staff and partners only look, at the surveys of their
units: a survey whose touchpoint (or a question's) is owned by one of their units or a
unit below, or that has responses from them. Whoever is scoped to units sees only those
units' responses, editors too. Admins, analysts and managers may export what they see;
frontline staff and partners may not. Single responses to employee surveys are shown to
nobody here: a pulse is anonymous, and its figures are in the metrics, withheld below the
anonymity threshold.
"""

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kokemus.accounts.scope import Scoped, visible_unit_ids
from kokemus.journeys.models import Touchpoint
from kokemus.surveys.models import Response, Survey

EDITING_ROLES = ("admin", "analyst")
EXPORTING_ROLES = ("admin", "analyst", "manager")


def can_edit(user: Scoped) -> bool:
    return user.role in EDITING_ROLES


def can_export(user: Scoped) -> bool:
    return user.role in EXPORTING_ROLES


def shows_single_responses(survey: Survey) -> bool:
    return survey.kind != "employee"


def response_units(session: Session, user: Scoped) -> frozenset[int] | None:
    """The units whose responses the user may see; None for all of them."""
    units = visible_unit_ids(session, user)
    return None if units is None else frozenset(units)


def survey_touchpoints(survey: Survey) -> set[str]:
    """The touchpoint keys a survey's draft names, for itself and its questions."""
    definition = survey.definition
    keys = {definition.get("touchpoint")}
    keys |= {question.get("touchpoint") for question in definition.get("questions", [])}
    return {str(key) for key in keys if key}


def visible_survey_ids(
    session: Session, user: Scoped, surveys: Collection[Survey]
) -> set[int] | None:
    """Of `surveys`, those the user may see; None when that is every survey."""
    units = response_units(session, user)
    if can_edit(user) or units is None:
        return None
    if not units:
        return set()
    owners = {
        str(key): (touchpoint_id, owner)
        for key, touchpoint_id, owner in session.execute(
            select(Touchpoint.key, Touchpoint.id, Touchpoint.owner_unit_id)
        )
    }
    owned_ids = {touchpoint_id for touchpoint_id, owner in owners.values() if owner in units}
    visible = {
        survey.id
        for survey in surveys
        if survey.touchpoint_id in owned_ids
        or any(owners.get(key, (None, None))[1] in units for key in survey_touchpoints(survey))
    }
    rest = [survey.id for survey in surveys if survey.id not in visible]
    if rest:
        visible |= set(
            session.scalars(
                select(Response.survey_id)
                .where(Response.survey_id.in_(rest), Response.unit_id.in_(units))
                .distinct()
            )
        )
    return visible


def sees_survey(session: Session, user: Scoped, survey: Survey) -> bool:
    visible = visible_survey_ids(session, user, [survey])
    return visible is None or survey.id in visible


def complete_counts(
    session: Session, units: frozenset[int] | None, survey_ids: Collection[int] | None = None
) -> dict[int, int]:
    """Complete responses per survey, of `units` only unless None."""
    query = select(Response.survey_id, func.count()).where(Response.complete)
    if units is not None:
        query = query.where(Response.unit_id.in_(units))
    if survey_ids is not None:
        query = query.where(Response.survey_id.in_(survey_ids))
    grouped = query.group_by(Response.survey_id)
    return {int(survey_id): int(count) for survey_id, count in session.execute(grouped)}
