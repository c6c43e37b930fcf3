"""Kaari Oy's employees and what they answer: the monthly pulse, meeting ratings, and the
encounter audits in the stores.

Employee answers are anonymous: each comes by the team's own link, which names its unit.
Most teams are big enough to be shown (five answers or more a month); marketing, management
and logistics are not, so their figures are withheld, as they should be.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kokemus.demo.answers import Answers, comment, mood, nps, stars
from kokemus.demo.comments import phrasebook, tone_for
from kokemus.demo.company import Company
from kokemus.demo.customers import Language
from kokemus.demo.period import Period, local, months_of
from kokemus.demo.responses import Answered
from kokemus.surveys.responses import fingerprint

AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
WORKDAY_MARKS = (
    "caring",
    "energy",
    "heard",
    "appreciated",
    "safe",
    "time-well-used",
    "time-for-customers",
)
MEETING_MARKS = (
    "agenda",
    "led-and-interactive",
    "phones-parked",
    "goal-and-decision",
    "length-and-people",
)
AUDIT_STEPS = ("notice", "greet", "ask", "listen", "suggest", "confirm", "reconfirm", "thank")
EMPLOYEE_GOOD = ("team_culture", "management", "workload", "meetings")
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")


@dataclass(frozen=True)
class Team:
    unit: str
    headcount: int
    climate: float  # the mood of its workdays, 1–5
    meetings: float  # how well its meetings go, 1–5
    worries: tuple[str, ...]  # what its people complain about, most first


TEAMS = (
    Team("store-jyvaskyla", 10, 4.35, 4.3, ("workload", "meetings")),
    Team("store-kuopio", 9, 3.5, 3.1, ("workload", "management", "team_culture")),
    Team("customer-service", 12, 3.8, 3.6, ("workload", "meetings")),
    Team("warehouse", 7, 3.5, 3.3, ("workload", "management")),
    Team("ecommerce", 7, 4.0, 3.8, ("meetings", "workload")),
    Team("sales", 7, 4.1, 3.9, ("workload", "meetings")),
    Team("marketing", 3, 4.2, 3.7, ("meetings",)),
    Team("management", 3, 4.0, 3.6, ("workload",)),
    Team("logistics", 2, 3.9, 3.5, ("workload",)),
)
# How often an observer follows an encounter in each store, and the share of steps seen.
AUDITS_PER_MONTH = 2
AUDIT_STEPS_SEEN = {"store-jyvaskyla": 0.9, "store-kuopio": 0.62}
AUDIT_BAD = {
    "store-jyvaskyla": ("store_environment",),
    "store-kuopio": ("staff_friendliness", "staff_competence", "store_environment"),
}


@dataclass(frozen=True)
class Employee:
    team: Team
    number: int
    language: Language
    outlook: float  # how this person tends to see things, around the team's climate


def staff(rng: random.Random) -> list[Employee]:
    people = []
    for team in TEAMS:
        for number in range(team.headcount):
            language = rng.choices(LANGUAGES, weights=(88, 8, 4))[0]
            outlook = team.climate + rng.gauss(0, 0.45)
            people.append(Employee(team, number, language, outlook))
    return people


def employee_answers(rng: random.Random, company: Company, period: Period) -> list[Answered]:
    employees = staff(rng)
    answered: list[Answered] = []
    for first in months_of(period):
        pulse_day = _weekday_in(first, 1, 2)  # the second Tuesday
        meeting_day = _weekday_in(first, 0, 1)  # the first Monday
        for person in employees:
            if period.start <= pulse_day <= period.end and rng.random() < 0.85:
                moment = local(pulse_day, rng.uniform(8, 17))
                answered.append(_answered(rng, company, person, "five-star-workday", moment))
            if period.start <= meeting_day <= period.end and rng.random() < 0.75:
                moment = local(meeting_day, rng.uniform(10, 11.5))
                answered.append(_answered(rng, company, person, "five-star-meeting", moment))
        answered.extend(_audits(rng, company, period, first))
    return answered


def _answered(
    rng: random.Random, company: Company, person: Employee, survey: str, moment: datetime
) -> Answered:
    answers = pulse(rng, person) if survey == "five-star-workday" else meeting(rng, person)
    return Answered(
        survey=survey,
        answers=answers,
        language=person.language,
        channel="link",
        started_at=moment - timedelta(seconds=rng.randint(40, 300)),
        submitted_at=moment,
        unit_id=company.units[person.team.unit],
        fingerprint=_print(rng, company, survey, answers),
    )


def pulse(rng: random.Random, person: Employee) -> Answers:
    feeling = mood(rng, person.outlook, 0.35)
    score = stars(rng, feeling)
    answers: Answers = {"enps": nps(rng, feeling), "workday-stars": score}
    seen = 0.2 + 0.16 * (feeling - 1)
    answers["marks"] = {mark: rng.random() < seen for mark in WORKDAY_MARKS}
    worries = person.team.worries
    text = comment(rng, person.language, score, EMPLOYEE_GOOD, worries, "work", share=0.3)
    if text is not None:
        answers["comment"] = text
    return answers


def meeting(rng: random.Random, person: Employee) -> Answers:
    feeling = mood(rng, person.team.meetings, 0.5)
    score = stars(rng, feeling)
    seen = 0.15 + 0.18 * (feeling - 1)
    answers: Answers = {
        "marks": {mark: rng.random() < seen for mark in MEETING_MARKS},
        "meeting-stars": score,
    }
    text = comment(rng, person.language, score, ("meetings",), ("meetings",), "work", share=0.25)
    if text is not None:
        answers["comment"] = text
    return answers


def _audits(rng: random.Random, company: Company, period: Period, first: date) -> list[Answered]:
    answered = []
    for store, seen in AUDIT_STEPS_SEEN.items():
        for _ in range(AUDITS_PER_MONTH):
            day = first + timedelta(days=rng.randrange(28))
            if not period.start <= day <= period.end:
                continue
            steps = {step: rng.random() < seen for step in AUDIT_STEPS}
            answers: Answers = {"steps": steps}
            if rng.random() < 0.6:
                shown = sum(steps.values())
                score = 5 if shown >= 7 else 4 if shown >= 6 else 3 if shown >= 4 else 2
                tone = tone_for(rng, score)
                good = ("staff_friendliness", "staff_competence", "store_environment")
                text = phrasebook().write(rng, "fi", tone, good, AUDIT_BAD[store], "store")
                answers["observer-comment"] = text
            moment = local(day, rng.uniform(10, 18))
            answered.append(
                Answered(
                    survey="courteous-encounter-audit",
                    answers=answers,
                    language="fi",
                    channel="link",
                    started_at=moment - timedelta(minutes=rng.randint(5, 20)),
                    submitted_at=moment,
                    unit_id=company.units[store],
                    fingerprint=_print(rng, company, "courteous-encounter-audit", answers),
                )
            )
    return answered


def _print(rng: random.Random, company: Company, survey: str, answers: Answers) -> str:
    address = f"192.168.{rng.randrange(1, 20)}.{rng.randrange(2, 250)}"
    return fingerprint(company.surveys[survey].id, address, AGENT, answers)


def _weekday_in(first: date, weekday: int, nth: int) -> date:
    """The nth given weekday (Monday 0) of first's month."""
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (nth - 1))
