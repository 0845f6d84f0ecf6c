"""Schools' self-service links: signed, expiring, one per establishment, no login.

The link carries the establishment's id, signed with the site's secret and a salt of its own
and stamped with the time it was made; it works for ``conf.booking_link_max_age()``. An
altered link fails the signature check; an old one is recognised (so the school can ask for
a new one) but opens nothing.
"""

from django.urls import reverse
from django.utils import timezone

from cohorts import conf, notifications
from cohorts.errors import BookingLinkExpired, BookingLinkInvalid
from cohorts.notifications import notify
from core.actors import takes_actor
from core.dates import day
from core.signed_links import LinkTampered, SignedLinks
from schools.models import Establishment

BOOKING_LINKS = SignedLinks(salt="cohorts.booking-link", key="e")
INVALID = "This link is not a valid booking link."


def booking_link_token(*, establishment: Establishment) -> str:
    """A fresh signed token for ``establishment`` (URL-safe)."""
    return BOOKING_LINKS.token(establishment.pk)


def booking_link_path(*, establishment: Establishment) -> str:
    """The path of a fresh booking link; views make it absolute with the request's host."""
    return reverse(
        "cohorts:book", kwargs={"token": booking_link_token(establishment=establishment)}
    )


def booking_link_establishment(*, token: str) -> Establishment:
    """The establishment a booking link is for.

    Raises ``BookingLinkInvalid`` for a link that was altered or never made here, and
    ``BookingLinkExpired`` (carrying the establishment) for a genuine link that is too old.
    """
    max_age = conf.booking_link_max_age()
    try:
        pk, expired = BOOKING_LINKS.read(token, max_age=max_age)
    except LinkTampered as error:
        raise BookingLinkInvalid(INVALID) from error
    establishment = Establishment.objects.select_related("la", "mhst_area").filter(pk=pk).first()
    if establishment is None or not establishment.is_eligible:
        raise BookingLinkInvalid(INVALID)
    if expired:
        made = day(timezone.localdate() - max_age)
        raise BookingLinkExpired(
            f"This link has expired: booking links work for {max_age.days} days, and this one "
            f"was made before {made}.",
            establishment=establishment,
        )
    return establishment


@takes_actor
def booking_link_request_new(*, establishment: Establishment) -> None:
    """Record that ``establishment`` asked for a new link; the outbox will send it to the
    establishment's contact email (never to an address typed in by whoever asked)."""
    notify(notifications.booking_link_requested, establishment_id=establishment.pk)
