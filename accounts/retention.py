"""Staff accounts nobody signs in to (``core.privacy``): deactivated
``LINK_DEACTIVATE_AFTER_MONTHS`` (12) months after the last sign-in (an account never signed
in to: after it was made). The account stays, with its name in the audit history; it cannot
sign in until a national admin reactivates it. Task actors (``core.actors``) are no staff
and are never signed in to: they are left alone.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import conf
from core.actors import SYSTEM_PREFIX
from core.dates import add_months
from core.privacy import Retention, register_retention


def _due(now: datetime) -> QuerySet:
    today = timezone.localdate(now)
    cutoff = timezone.make_aware(
        datetime.combine(add_months(today, -conf.deactivate_after_months()), datetime.min.time())
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(username__startswith=SYSTEM_PREFIX)
        .annotate(seen=Coalesce("last_login", "date_joined"))
        .filter(seen__lt=cutoff)
    )


def preview(now: datetime) -> int:
    return _due(now).count()


def apply(now: datetime) -> int:
    ids = list(_due(now).values_list("pk", flat=True))
    return get_user_model().objects.filter(pk__in=ids).update(is_active=False)


def register() -> None:
    register_retention(
        Retention(
            key="accounts.inactive_staff",
            label="Staff accounts without sign-in",
            policy=lambda: f"Deactivated after {conf.deactivate_after_months()} months",
            preview=preview,
            apply=apply,
            order=90,
        )
    )
