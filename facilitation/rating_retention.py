"""How long a CASCADE rating stays linked to its stakeholder (``core.privacy``).

A rating request loses its stakeholder when the stakeholder is anonymised
(``facilitation.retention``: ``LINK_RETAIN_STAKEHOLDERS_MONTHS`` after the engagement closes,
or at once on a subject's request): the ratings become anonymous. Before the link goes, each
person's requests get one random ``pair_key`` (``uuid4``, derived from nothing), so the pairs
already formed (consultation to final review) stay pairs and the evaluation report's paired
change does not move, as ``evaluation.retention`` does for survey invitations. Response
rates count requests, which stay.
"""

from core.privacy import (
    SubjectRecords,
    normalise_email,
    register_subject_records,
    unlink_keeping_pairs,
)
from facilitation.models import RatingRequest


def rating_requests_unlink(*, stakeholder_ids) -> int:
    """Remove the stakeholder from the rating requests of ``stakeholder_ids``, each person's
    requests sharing one new random pair key; returns how many changed."""
    requests = RatingRequest.objects.filter(stakeholder_id__in=stakeholder_ids)
    return unlink_keeping_pairs(requests, person="stakeholder")


def _of(email: str):
    return RatingRequest.objects.filter(stakeholder__email__iexact=normalise_email(email))


def find(email: str) -> list[dict]:
    """The person's rating requests: when asked, and whether they rated; never what."""
    return [
        {
            "id": r.pk,
            "engagement": r.round.engagement.name,
            "time_point": r.round.get_point_display(),
            "asked_at": r.sent_at.isoformat(),
            "reminded_at": r.reminded_at.isoformat() if r.reminded_at else None,
            "rated": r.submitted_at is not None,
        }
        for r in _of(email).select_related("round__engagement").order_by("sent_at", "pk")
    ]


def erase(email: str) -> int:
    return rating_requests_unlink(
        stakeholder_ids=list(_of(email).values_list("stakeholder_id", flat=True))
    )


def register() -> None:
    register_subject_records(
        SubjectRecords(
            key="facilitation.ratings",
            label="CASCADE rating requests (whether rated; never the ratings)",
            find=find,
            erase=erase,
            order=40,  # before the stakeholder's address, by which it is found, is emptied
        )
    )
