"""Reads of the outbox for coordinators' pages."""

from django.db.models import QuerySet

from outbox.models import OutgoingEmail


def emails_for(scope) -> QuerySet[OutgoingEmail]:
    """Emails about establishments in ``scope`` (national scopes also see the rest)."""
    queryset = OutgoingEmail.objects.select_related("establishment").order_by("-created_at", "-pk")
    return scope.apply(queryset, la="establishment__la", mhst_area="establishment__mhst_area")


def wave_keys_for(scope) -> list[str]:
    return list(
        emails_for(scope)
        .exclude(wave_key="")
        .order_by("wave_key")
        .values_list("wave_key", flat=True)
        .distinct()
    )


def emails_about(*, establishment, limit: int = 50) -> list[OutgoingEmail]:
    """The latest emails about one establishment, newest first."""
    return list(
        OutgoingEmail.objects.filter(establishment=establishment)
        .only("kind", "recipient", "status", "sent_at", "created_at", "wave_key")
        .order_by("-created_at", "-pk")[:limit]
    )
