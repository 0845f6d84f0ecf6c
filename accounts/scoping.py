"""What part of the programme a signed-in user may see, as one object every app can apply.

Apps never inspect roles themselves. A selector asks for the user's scope and applies it to
its own queryset, naming the paths from its model to a local authority, an MHST area and a
region:

    scope = scope_for(user)
    qs = scope.apply(Cohort.objects.all(), la="local_authority", mhst_area="mhst_area")

An object outside the scope is then simply not in the queryset, so views give 404.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    national: bool = False
    la_ids: frozenset[int] = field(default_factory=frozenset)
    mhst_area_ids: frozenset[int] = field(default_factory=frozenset)
    regions: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.national or self.la_ids or self.mhst_area_ids or self.regions)

    def q(self, *, la: str | None = None, mhst_area: str | None = None) -> Q:
        """A filter for a model whose local authority is at path ``la`` (a LocalAuthority FK)
        and whose MHST area is at path ``mhst_area``. Regions are matched through the LA."""
        if self.national:
            return Q()
        condition = Q(pk__in=[])
        if la and self.la_ids:
            condition |= Q(**{f"{la}__in": self.la_ids})
        if la and self.regions:
            condition |= Q(**{f"{la}__region__in": self.regions})
        if mhst_area and self.mhst_area_ids:
            condition |= Q(**{f"{mhst_area}__in": self.mhst_area_ids})
        return condition

    def apply(self, queryset: QuerySet, *, la: str | None = None, mhst_area: str | None = None):
        if self.national:
            return queryset
        return queryset.filter(self.q(la=la, mhst_area=mhst_area)).distinct()


NATIONAL = Scope(national=True)
NOTHING = Scope()


def scope_for(user) -> Scope:
    """The areas ``user`` may see. Until roles exist: staff see everything, others nothing."""
    if user.is_authenticated and (user.is_staff or user.is_superuser):
        return NATIONAL
    return NOTHING
