"""Reads of the CASCADE rating rounds for the facilitation pages: how many were asked and
how many have rated (never who rated what; the figures by area are the evaluation report's,
with its suppression: ``evaluation.selectors.facilitation``)."""

from django.db.models import Count, Q

from facilitation.models import CascadeRating, Engagement, RatingPoint, RatingRequest


def rating_rounds_summary(*, engagement: Engagement) -> list[dict]:
    """Each time point of ``engagement``: its round (or None before it is opened), the
    stakeholders asked, those who have rated and the response rate in whole per cent. One
    query."""
    rounds = {
        r.point: r
        for r in engagement.rating_rounds.annotate(
            asked=Count("requests"),
            rated=Count("requests", filter=Q(requests__submitted_at__isnull=False)),
        )
    }
    summary = []
    for point in RatingPoint:
        round_ = rounds.get(point.value)
        asked = round_.asked if round_ else 0
        rated = round_.rated if round_ else 0
        summary.append(
            {
                "point": point.value,
                "label": point.label,
                "round": round_,
                "asked": asked,
                "rated": rated,
                "rate": round(100 * rated / asked) if asked else None,
            }
        )
    return summary


def request_scores(*, request: RatingRequest) -> dict[str, int | None] | None:
    """The ratings given with ``request`` (area -> score, None for "don't know"), or None
    before any were given."""
    if request.submitted_at is None:
        return None
    return dict(CascadeRating.objects.filter(request=request).values_list("area", "score"))
