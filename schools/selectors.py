"""Reads of the establishment register that pages and reports need."""

from django.db.models import Count, Q, QuerySet

from schools.models import (
    ELIGIBLE_TYPE_CODES,
    ChangeStatus,
    Establishment,
    GiasImport,
    ImportStatus,
    IntegratedCareBoard,
    LocalAuthority,
    MHSTArea,
    Region,
    RegisterChange,
    Status,
    eligible_q,
)


def register_summary(scope=None) -> dict[str, int]:
    """Headline counts of the register (within ``scope``, if given), in constant queries."""
    eligible = eligible_q()
    establishments = Establishment.objects.all()
    if scope is not None:
        establishments = scope.apply(establishments, la="la", mhst_area="mhst_area")
    counts = establishments.aggregate(
        establishments=Count("pk"),
        eligible=Count("pk", filter=eligible),
        eligible_in_mhst_areas=Count("pk", filter=eligible & Q(mhst_area__isnull=False)),
        with_contact_email=Count("pk", filter=eligible & ~Q(contact_email="")),
    )
    counts["local_authorities"] = LocalAuthority.objects.filter(is_current=True).count()
    counts["mhst_areas"] = MHSTArea.objects.count()
    return counts


def establishments_for(scope) -> QuerySet[Establishment]:
    """Establishments inside ``scope`` (accounts.scoping.Scope), ready for lists and exports."""
    queryset = Establishment.objects.select_related("la", "mhst_area").order_by("name", "urn")
    return scope.apply(queryset, la="la", mhst_area="mhst_area")


def local_authorities_for(scope) -> QuerySet[LocalAuthority]:
    """Current LAs a user may filter by: assigned, in an assigned region or MHST area."""
    return LocalAuthority.objects.filter(
        scope.overlapping_local_authorities(), is_current=True
    ).order_by("name")


def icbs_for(scope) -> QuerySet[IntegratedCareBoard]:
    """Integrated care boards a user may filter by: those covering an LA they may see."""
    return (
        IntegratedCareBoard.objects.filter(local_authorities__in=local_authorities_for(scope))
        .distinct()
        .order_by("name")
    )


def mhst_areas_for(scope) -> QuerySet[MHSTArea]:
    """MHST areas a user may filter by: those assigned, or lying in their LAs or regions."""
    return MHSTArea.objects.filter(scope.overlapping_mhst_areas()).order_by("name")


# How the dashboard can break the eligible establishments down.
BREAKDOWNS = {
    "region": ("la__region",),
    "la": ("la__name", "la__code"),
    "mhst_area": ("mhst_area__name",),
}


def coverage_by(scope, *, breakdown: str, extra_counts: dict[str, Q] | None = None) -> list[dict]:
    """Eligible establishments per region, LA or MHST area, in one aggregate query.

    ``extra_counts`` adds a column per name: the eligible establishments that match its Q
    (other apps pass, e.g., "booked" through their own selectors). Each row has ``label``.
    """
    fields = BREAKDOWNS[breakdown]
    eligible = scope.apply(
        Establishment.objects.filter(eligible_q()), la="la", mhst_area="mhst_area"
    )
    if breakdown == "mhst_area":
        eligible = eligible.filter(mhst_area__isnull=False)
    counts = {
        name: Count("pk", filter=condition, distinct=True)
        for name, condition in (extra_counts or {}).items()
    }
    rows = list(
        eligible.order_by()
        .values(*fields)
        .annotate(eligible=Count("pk", distinct=True), **counts)
        .order_by(*fields)
    )
    regions = dict(Region.choices)
    for row in rows:
        if breakdown == "region":
            row["label"] = str(regions.get(row["la__region"], row["la__region"]))
        elif breakdown == "la":
            row["label"] = f"{row['la__name']} ({row['la__code']})"
        else:
            row["label"] = row["mhst_area__name"]
    return rows


def register_turnover(scope, *, since) -> dict[str, int]:
    """Establishments of the types the programme is offered to, in English LAs, that opened
    or closed on or after ``since`` (within ``scope``), in one query."""
    of_eligible_type = Q(type_code__in=ELIGIBLE_TYPE_CODES, la__isnull=False)
    establishments = scope.apply(
        Establishment.objects.filter(of_eligible_type), la="la", mhst_area="mhst_area"
    )
    return establishments.aggregate(
        opened=Count("pk", filter=Q(open_date__gte=since)),
        closed=Count("pk", filter=Q(status=Status.CLOSED, close_date__gte=since)),
    )


# --- Register changes: what GIAS changed that a person reviews ------------------------------


def register_changes_pending() -> QuerySet[RegisterChange]:
    return (
        RegisterChange.objects.filter(status=ChangeStatus.PENDING)
        .select_related("establishment__la", "gias_import")
        .order_by("establishment__la__name", "establishment__name", "pk")
    )


def register_changes_decided(limit: int = 20) -> list[RegisterChange]:
    return list(
        RegisterChange.objects.exclude(status=ChangeStatus.PENDING)
        .select_related("establishment", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def gias_runs_recent(limit: int = 10) -> list[GiasImport]:
    return list(GiasImport.objects.order_by("-created_at", "-pk")[:limit])


def register_review_summary() -> dict:
    """For the dashboard: changes waiting for a person, and the last run if it failed."""
    last = GiasImport.objects.order_by("-created_at", "-pk").first()
    return {
        "pending": RegisterChange.objects.filter(status=ChangeStatus.PENDING).count(),
        "failed_run": last if last and last.status == ImportStatus.FAILED else None,
        "last_run": last,
    }
