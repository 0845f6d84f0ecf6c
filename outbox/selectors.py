"""Reads of the outbox for coordinators' pages."""

from django.db import connection
from django.db.models import Count, Q, QuerySet

from outbox.models import EmailStatus, OutgoingEmail

#: The stamps that scope an email, as ``Scope.apply`` names its paths.
SCOPE_PATHS = {"la": "local_authority", "mhst_area": "mhst_area", "icb": "icb"}


def emails_for(scope) -> QuerySet[OutgoingEmail]:
    """Emails stamped with areas ``scope`` covers (its local authority, its MHST area or an
    ICB it reaches into: a school's email, a professional's on a cohort there, a local
    leader's on an engagement there); national scopes see all."""
    queryset = OutgoingEmail.objects.select_related("establishment").order_by("-created_at", "-pk")
    return scope.apply(queryset, **SCOPE_PATHS)


def campaigns_for(scope) -> list[str]:
    """The campaigns of the emails ``scope`` may see, for the outbox page's filter."""
    if scope.national:
        if connection.vendor == "postgresql":
            return _all_campaigns()
        return list(
            OutgoingEmail.objects.exclude(campaign="")
            .order_by("campaign")
            .values_list("campaign", flat=True)
            .distinct()
        )
    # One SELECT per stamp, joined by UNION (which keeps each campaign once): each reads only
    # its (stamp, campaign) index (``outbox_<stamp>_campaign``), where one query ORing the
    # stamps reads every email of the areas from the table (59,000 rows of 2 KB for London
    # at ten times the national programme).
    emails = OutgoingEmail.objects.exclude(campaign="").order_by()
    branches = [
        scope.apply(emails, **{name: path}).values_list("campaign", flat=True)
        for name, path in SCOPE_PATHS.items()
    ]
    return list(branches[0].union(*branches[1:]).order_by("campaign"))


def _all_campaigns() -> list[str]:
    """Every campaign, by a walk of the (campaign, kind) index from one value to the next
    (a "loose index scan"): as many index probes as there are campaigns, however many
    emails each has, where SELECT DISTINCT reads every email."""
    table = OutgoingEmail._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE walk AS (
                (SELECT campaign FROM {table} WHERE campaign > '' ORDER BY campaign LIMIT 1)
                UNION ALL
                SELECT (
                    SELECT campaign FROM {table} WHERE campaign > walk.campaign
                    ORDER BY campaign LIMIT 1
                ) FROM walk WHERE walk.campaign IS NOT NULL
            )
            SELECT campaign FROM walk WHERE campaign IS NOT NULL
            """  # noqa: S608 - the table name is the model's own
        )
        return [row[0] for row in cursor.fetchall()]


def emails_about(*, establishment, limit: int = 50) -> list[OutgoingEmail]:
    """The latest emails about one establishment, newest first."""
    return list(
        OutgoingEmail.objects.filter(establishment=establishment)
        .only("kind", "recipient", "status", "sent_at", "created_at", "campaign")
        .order_by("-created_at", "-pk")[:limit]
    )


def delivery_counts(*, email_ids) -> dict[str, int]:
    """How far the emails ``email_ids`` (ids or a values() subquery) have got: sent, on their
    way (pending), failed, cancelled; one aggregate query. These are facts about emails, which
    retention may delete: a programme's own figures never come from here."""
    return OutgoingEmail.objects.filter(pk__in=email_ids).aggregate(
        sent=Count("pk", filter=Q(status=EmailStatus.SENT)),
        failed=Count("pk", filter=Q(status=EmailStatus.FAILED)),
        cancelled=Count("pk", filter=Q(status=EmailStatus.CANCELLED)),
        pending=Count(
            "pk",
            filter=Q(status__in=(EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.RETRYING)),
        ),
    )
