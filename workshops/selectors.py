"""Reads of the directory, narrowed to a user's scope (``accounts.scoping``), joined so a
page costs the same at any length."""

from django.db.models import Q, QuerySet

from workshops.models import LocalProfessional, Venue


def _scoped(scope, queryset: QuerySet) -> QuerySet:
    return scope.apply(
        queryset.select_related("local_authority", "mhst_area"),
        la="local_authority",
        mhst_area="mhst_area",
    )


def venues_in_scope(*, scope) -> QuerySet[Venue]:
    """The venues of the areas ``scope`` covers (by their LA or their MHST area)."""
    return _scoped(scope, Venue.objects.all())


def local_professionals_in_scope(*, scope) -> QuerySet[LocalProfessional]:
    return _scoped(scope, LocalProfessional.objects.all())


def in_area(
    queryset: QuerySet, *, local_authority_id: int | None, mhst_area_id: int | None
) -> QuerySet:
    """The entries of an area: those of its local authority or of its MHST area."""
    condition = Q(pk__in=[])
    if local_authority_id is not None:
        condition |= Q(local_authority_id=local_authority_id)
    if mhst_area_id is not None:
        condition |= Q(mhst_area_id=mhst_area_id)
    return queryset.filter(condition)


def venues_of_area(
    *, scope, local_authority_id: int | None, mhst_area_id: int | None
) -> QuerySet[Venue]:
    """The venues ``scope`` sees in an area (a cohort's: its LA or its MHST area)."""
    return in_area(
        venues_in_scope(scope=scope),
        local_authority_id=local_authority_id,
        mhst_area_id=mhst_area_id,
    )
