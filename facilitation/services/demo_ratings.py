"""Demo CASCADE ratings for ``seed_demo`` (``facilitation.services.demo``): an engagement
past its consultation has that round's ratings; one past its final review has both, from
enough stakeholders (16 and 14 of 20) that the evaluation report shows a change. Written
straight to the tables, as the rest of the demo is; the ratings are made up, not anyone's.
"""

import datetime as dt

from django.utils import timezone

from facilitation.models import (
    CascadeArea,
    CascadeRating,
    Engagement,
    RatingPoint,
    RatingRequest,
    RatingRound,
    Stakeholder,
)

#: How far each area moves by the final review in the demo: the priorities the demo agrees
#: (referral routes, named contacts, training) move most.
GAIN = {
    CascadeArea.CLARITY: 2,
    CascadeArea.POINTS_OF_CONTACT: 2,
    CascadeArea.SHARED_PLANNING: 1,
    CascadeArea.OUTCOME_MEASURES: 0,
    CascadeArea.BEST_PRACTICE: 1,
    CascadeArea.INTEGRATED_WORKING: 1,
    CascadeArea.EVIDENCE_BASED: 0,
}


def _score(person: int, area: str, final: bool) -> int | None:
    if person % 7 == 3 and area == CascadeArea.OUTCOME_MEASURES:
        return None  # "don't know"
    start = 2 + (person % 3 == 0) - (person % 5 == 0)
    gain = GAIN[area] - (person % 4 == 1) if final else 0
    return max(1, min(5, start + gain))


def demo_ratings_seed(
    engagement: Engagement, people: list[Stakeholder], *, points: dict[str, dt.date]
) -> None:
    """Rounds of ``engagement`` at ``points`` ({time point: the meeting's date}), closed a
    fortnight after; the first 16 people rate at the consultation, the first 14 at the final
    review."""
    ratings = []
    for point, day in points.items():
        opened = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        round_ = RatingRound.objects.create(
            engagement=engagement,
            point=point,
            opened_at=opened,
            closed_at=opened + dt.timedelta(days=14),
        )
        final = point == RatingPoint.FINAL_REVIEW
        rated = 14 if final else 16
        requests = RatingRequest.objects.bulk_create(
            RatingRequest(
                round=round_,
                stakeholder=person,
                sent_at=opened,
                submitted_at=opened + dt.timedelta(days=1 + i % 5) if i < rated else None,
            )
            for i, person in enumerate(people)
        )
        ratings += [
            CascadeRating(request=request, area=area, score=_score(i, area, final))
            for i, request in enumerate(requests[:rated])
            for area in CascadeArea.values
        ]
    CascadeRating.objects.bulk_create(ratings)
