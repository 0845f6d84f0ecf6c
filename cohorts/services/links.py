"""Schools' self-service links: signed, expiring, one per establishment, no login.

The link carries the establishment's id, signed with the site's secret and a salt of its own
and stamped with the time it was made; it works for ``conf.booking_link_max_age()``. An
altered link fails the signature check; an old one is recognised (so the school can ask for
a new one) but opens nothing.
"""

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cohorts import conf, notifications
from cohorts.errors import BookingLinkExpired, BookingLinkInvalid
from cohorts.notifications import notify
from schools.models import Establishment

SALT = "cohorts.booking-link"


def booking_link_token(*, establishment: Establishment) -> str:
    """A fresh signed token for ``establishment`` (URL-safe)."""
    return signing.dumps({"e": establishment.pk}, salt=SALT)


def booking_link_path(*, establishment: Establishment) -> str:
    """The path of a fresh booking link; views make it absolute with the request's host."""
    return reverse(
        "cohorts:book", kwargs={"token": booking_link_token(establishment=establishment)}
    )


def _establishment(payload) -> Establishment:
    try:
        pk = int(payload["e"])
        establishment = Establishment.objects.select_related("la", "mhst_area").get(pk=pk)
    except (KeyError, TypeError, ValueError, Establishment.DoesNotExist) as error:
        raise BookingLinkInvalid("This link is not a valid booking link.") from error
    if not establishment.is_eligible:
        raise BookingLinkInvalid("This link is not a valid booking link.")
    return establishment


def booking_link_establishment(*, token: str) -> Establishment:
    """The establishment a booking link is for.

    Raises ``BookingLinkInvalid`` for a link that was altered or never made here, and
    ``BookingLinkExpired`` (carrying the establishment) for a genuine link that is too old.
    """
    try:
        payload = signing.loads(token, salt=SALT, max_age=conf.booking_link_max_age())
    except signing.SignatureExpired as error:
        establishment = _establishment(signing.loads(token, salt=SALT))
        made = date_format(timezone.localdate() - conf.booking_link_max_age(), "j F Y")
        raise BookingLinkExpired(
            f"This link has expired: booking links work for "
            f"{conf.booking_link_max_age().days} days, and this one was made before {made}.",
            establishment=establishment,
        ) from error
    except signing.BadSignature as error:
        raise BookingLinkInvalid("This link is not a valid booking link.") from error
    return _establishment(payload)


def booking_link_request_new(*, establishment: Establishment) -> None:
    """Record that ``establishment`` asked for a new link; the outbox will send it to the
    establishment's contact email (never to an address typed in by whoever asked)."""
    notify(notifications.booking_link_requested, establishment_id=establishment.pk)
