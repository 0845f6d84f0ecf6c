"""Reads of the schools survey: which establishments an engagement's area asks, how many
have answered (live, by phase of education), and what they said, with small numbers
hidden as the evaluation hides them (``core.suppression``).

Who has answered is shown exactly: the facilitator needs it to chase the rest, and that a
school answered says nothing of what it answered. What they answered is shown only once at
least ``min_cell()`` (5) establishments have: each question's answer counts with rules 1 and
2 (a count under 5 is “fewer than 5”, and others are hidden until none can be worked out
from the total), and the free-text answers only when at least 5 were written, in
alphabetical order (never in the order they came, which could tell whose is whose).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.suppression import Cell, is_small, min_cell, small_label, suppress_row
from facilitation.models import (
    PATH,
    QUESTIONS,
    Engagement,
    SchoolsSurvey,
    SchoolsSurveyInvite,
    Stage,
)
from schools.models import Establishment


def schools_survey_targets(*, engagement: Engagement) -> QuerySet[Establishment]:
    """The eligible establishments of the engagement's area (its LA; its MHST area; or the
    LAs its ICB covers), with or without a contact email."""
    eligible = Establishment.objects.eligible()
    if engagement.local_authority_id:
        return eligible.filter(la_id=engagement.local_authority_id)
    if engagement.mhst_area_id:
        return eligible.filter(mhst_area_id=engagement.mhst_area_id)
    return eligible.filter(la__icbs=engagement.icb_id).distinct()


def schools_survey_reach(*, engagement: Engagement) -> dict[str, int]:
    """How many establishments starting the survey would ask, and how many it cannot (no
    contact email): one query."""
    return schools_survey_targets(engagement=engagement).aggregate(
        with_email=Count("pk", filter=~Q(contact_email=""), distinct=True),
        without_email=Count("pk", filter=Q(contact_email=""), distinct=True),
    )


def schools_survey_uninvited(*, survey: SchoolsSurvey) -> QuerySet[Establishment]:
    """The area's establishments with a contact email that the survey has not asked yet
    (given an email, or opened, since it started)."""
    return (
        schools_survey_targets(engagement=survey.engagement)
        .exclude(contact_email="")
        .exclude(pk__in=survey.invites.values("establishment_id"))
    )


@dataclass(frozen=True)
class Rate:
    label: str
    invited: int
    answered: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.answered / self.invited) if self.invited else None


def _rates(survey: SchoolsSurvey) -> tuple[Rate, list[Rate]]:
    rows = (
        survey.invites.values("establishment__phase")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by("establishment__phase")
    )
    by_phase = [
        Rate(row["establishment__phase"] or "Phase not recorded", row["invited"], row["answered"])
        for row in rows
    ]
    total = Rate("All", sum(r.invited for r in by_phase), sum(r.answered for r in by_phase))
    return total, by_phase


@dataclass(frozen=True)
class ChoiceResult:
    """One choice question's answers: each choice's count (a ``Cell``, perhaps hidden) and
    how many answered it."""

    key: str
    text: str
    cascade_area: str
    rows: list[tuple[str, Cell]]
    total: Cell


def _results(answers: list[dict]) -> dict:
    """What the survey's answers show, hidden where they rest on too few."""
    choice_results, free_text = [], {}
    for question in QUESTIONS:
        values = [a.get(question.key, "") for a in answers]
        if question.free_text:
            written = sorted(v.strip() for v in values if v and v.strip())
            free_text = {
                "key": question.key,
                "text": question.text,
                "count": len(written),
                "answers": [] if is_small(len(written)) else written,
            }
            continue
        counts = Counter(v for v in values if v)
        cells, total = suppress_row([counts.get(value, 0) for value, _ in question.choices])
        choice_results.append(
            ChoiceResult(
                key=question.key,
                text=question.text,
                cascade_area=question.cascade_area,
                rows=[
                    (label, cell) for (_, label), cell in zip(question.choices, cells, strict=True)
                ],
                total=total,
            )
        )
    return {"choices": choice_results, "free_text": free_text}


def schools_survey_summary(
    *, engagement: Engagement, today: dt.date | None = None, results: bool = True
) -> dict:
    """The survey as the engagement's and the consultation's pages show it, in a fixed
    number of queries whatever the number of establishments: its state, the response rate
    overall and by phase, and (``results``) what the answers show. Before it is started, in
    the survey stage: how many establishments it would ask."""
    today = today or timezone.localdate()
    # Started only in the survey stage: an engagement not yet there has none (no query).
    reached = engagement.path_position >= PATH.index(Stage.SURVEY)
    survey = SchoolsSurvey.objects.filter(engagement=engagement).first() if reached else None
    if survey is None:
        startable = engagement.stage == Stage.SURVEY
        return {
            "survey": None,
            "startable": startable,
            "reach": schools_survey_reach(engagement=engagement) if startable else None,
        }
    survey.engagement = engagement
    total, by_phase = _rates(survey)
    summary = {
        "survey": survey,
        "open": survey.takes_answers(today),
        "rate": total,
        "by_phase": by_phase,
        "min_cell": min_cell(),
        "small_label": small_label(),
        "results_hidden": is_small(total.answered),
    }
    if survey.takes_answers(today):
        summary["not_invited"] = schools_survey_uninvited(survey=survey).count()
    if results and not summary["results_hidden"]:
        answers = list(
            survey.invites.filter(answered_at__isnull=False).values_list("answers", flat=True)
        )
        summary.update(_results(answers))
    return summary


def schools_survey_invite(*, invite_id: int) -> SchoolsSurveyInvite | None:
    """The invitation a school's link names, with what its page shows."""
    return (
        SchoolsSurveyInvite.objects.select_related(
            "establishment", "survey__engagement__local_authority"
        )
        .select_related("survey__engagement__mhst_area", "survey__engagement__icb")
        .filter(pk=invite_id)
        .first()
    )
