"""A stakeholder's CASCADE rating link: one per rating request, signed and expiring, no
login (``core.signed_links``). Each email (the invitation, the reminder) brings a fresh one.

Resolving a link says exactly what is wrong with it, so the page can say so and change
nothing: altered or never made here, too old, or for a stakeholder since removed (deleted,
or anonymised: their ratings no longer belong to anyone who could use the link).
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from core.signed_links import LinkTampered, SignedLinks
from facilitation.errors import FacilitationError
from facilitation.models import RatingRequest

RATING_LINKS = SignedLinks(salt="facilitation.cascade-rating", key="r")
#: A rating link works this long after it was made (a round stays open some weeks).
RATING_LINK_MAX_AGE = timedelta(days=60)


class RatingLinkInvalid(FacilitationError):
    """The link was altered or never made here (``code="tampered"``), or its stakeholder
    was removed (``code="removed"``)."""


class RatingLinkExpired(FacilitationError):
    """A genuine link, too old to open anything."""


def rating_link_path(*, request: RatingRequest) -> str:
    return reverse("facilitation:rate", args=[RATING_LINKS.token(request.pk)])


def rating_link_url(*, request: RatingRequest) -> str:
    return settings.LINK_BASE_URL + rating_link_path(request=request)


def rating_request_for(*, token: str) -> RatingRequest:
    """The request ``token`` opens, with its round, engagement and stakeholder; raises
    ``RatingLinkInvalid`` or ``RatingLinkExpired`` with words for the person holding it."""
    try:
        pk, expired = RATING_LINKS.read(token, max_age=RATING_LINK_MAX_AGE)
    except LinkTampered as error:
        raise RatingLinkInvalid(
            "This link is not a valid rating link. Please use the link in your email exactly "
            "as it was sent.",
            code="tampered",
        ) from error
    request = (
        RatingRequest.objects.select_related("round__engagement", "stakeholder")
        .filter(pk=pk)
        .first()
    )
    if request is None or request.stakeholder is None or not request.stakeholder.email:
        raise RatingLinkInvalid(
            "This link no longer works: the person it was sent to is no longer a stakeholder "
            "of this engagement.",
            code="removed",
        )
    if expired:
        raise RatingLinkExpired(
            f"This link has expired: rating links work for {RATING_LINK_MAX_AGE.days} days. "
            "The next reminder brings a new one, or ask your facilitator.",
            code="expired",
        )
    return request
