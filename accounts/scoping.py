"""What part of the programme a signed-in user may see, as one object every app can apply.

Apps never inspect roles themselves. A selector asks for the user's scope and applies it to
its own queryset, naming the paths from its model to a local authority, an MHST area, an
integrated care board (for work across one) and the facilitators:

    scope = scope_for(user)
    qs = scope.apply(Cohort.objects.all(), la="local_authority", mhst_area="mhst_area",
                     facilitator="facilitators")

An object outside the scope is then simply not in the queryset, so views give 404.
"""

from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet

from accounts.models import Assignment, Role
from accounts.roles import roles_of
from schools.models import LocalAuthority, MHSTArea


@dataclass(frozen=True)
class Scope:
    national: bool = False
    la_ids: frozenset[int] = field(default_factory=frozenset)
    mhst_area_ids: frozenset[int] = field(default_factory=frozenset)
    regions: frozenset[str] = field(default_factory=frozenset)
    facilitator_id: int | None = None  # a facilitator sees the cohorts they run

    @property
    def has_areas(self) -> bool:
        """Covers some establishments (not only a facilitator's own cohorts)."""
        return bool(self.national or self.la_ids or self.mhst_area_ids or self.regions)

    @property
    def is_empty(self) -> bool:
        return not (
            self.national
            or self.la_ids
            or self.mhst_area_ids
            or self.regions
            or self.facilitator_id
        )

    def q(
        self,
        *,
        la: str | None = None,
        mhst_area: str | None = None,
        facilitator: str | None = None,
        icb: str | None = None,
    ) -> Q:
        """A filter for a model whose LocalAuthority is at path ``la``, whose MHSTArea is at
        ``mhst_area``, whose IntegratedCareBoard is at ``icb`` and whose facilitators (users)
        are at ``facilitator``. Regions are matched through the LA. An ICB is matched when it
        covers one of the scope's LAs, or an LA in one of its regions: a coordinator of
        Wiltshire sees the work across Bath and North East Somerset, Swindon and Wiltshire.
        Paths left out never match (except for national scopes)."""
        if self.national:
            return Q()
        condition = Q(pk__in=[])
        if la and self.la_ids:
            condition |= Q(**{f"{la}__in": self.la_ids})
        if la and self.regions:
            las_of_regions = LocalAuthority.objects.filter(region__in=self.regions).order_by()
            condition |= _one_of(la, las_of_regions.values("pk"))
        if mhst_area and self.mhst_area_ids:
            condition |= Q(**{f"{mhst_area}__in": self.mhst_area_ids})
        if icb and (self.la_ids or self.regions):
            condition |= _one_of(icb, _icbs_of_las(la_ids=self.la_ids, regions=self.regions))
        if facilitator and self.facilitator_id:
            condition |= Q(**{facilitator: self.facilitator_id})
        return condition

    def whole_local_authorities(self) -> Q:
        """A filter on LocalAuthority: the LAs this scope covers entirely (assigned, or in an
        assigned region). An MHST area never covers a whole LA, even one it sits in."""
        if self.national:
            return Q()
        return Q(pk__in=self.la_ids) | Q(region__in=self.regions)

    def whole_mhst_areas(self) -> Q:
        """A filter on MHSTArea: the areas this scope covers entirely (assigned ones; an LA
        coordinator never covers a whole MHST area, which may reach into other LAs)."""
        if self.national:
            return Q()
        return Q(pk__in=self.mhst_area_ids)

    def overlapping_local_authorities(self) -> Q:
        """A filter on LocalAuthority: the LAs this scope reaches into at all (assigned, in an
        assigned region, or with an assigned MHST area lying in them)."""
        if self.national:
            return Q()
        return (
            Q(pk__in=self.la_ids)
            | Q(region__in=self.regions)
            | Q(pk__in=_las_of_mhst_areas(self.mhst_area_ids))
        )

    def overlapping_mhst_areas(self) -> Q:
        """A filter on MHSTArea: the areas this scope reaches into at all (assigned, or lying
        in an assigned LA or region, wholly or in part)."""
        if self.national:
            return Q()
        return Q(pk__in=self.mhst_area_ids) | Q(
            pk__in=_mhst_areas_of_las(la_ids=self.la_ids, regions=self.regions)
        )

    def apply(
        self,
        queryset: QuerySet,
        *,
        la: str | None = None,
        mhst_area: str | None = None,
        facilitator: str | None = None,
        icb: str | None = None,
    ) -> QuerySet:
        if self.national:
            return queryset
        condition = self.q(la=la, mhst_area=mhst_area, facilitator=facilitator, icb=icb)
        paths = (la, mhst_area, facilitator, icb)
        if all(_single_valued(queryset.model, path) for path in paths):
            # Foreign keys only: a plain filter, which the planner can use indexes and joins
            # for (an ``IN (subquery)`` over a large table is read whole).
            return queryset.filter(condition)
        # Filtering through a to-many path can repeat rows; keep each object once.
        return queryset.filter(pk__in=queryset.model._base_manager.filter(condition).values("pk"))


def _single_valued(model, path: str | None) -> bool:
    """Whether ``path`` from ``model`` follows foreign keys only (no to-many relation), so
    that filtering through it cannot repeat a row."""
    for name in (path or "").split("__") if path else ():
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return False
        model = field.related_model
    return True


def _one_of(path: str, ids: QuerySet) -> Q:
    """``path`` is one of the ids a small subquery gives. On PostgreSQL as
    ``= ANY(ARRAY(subquery))``: the subquery runs once, first, and its ids reach the index on
    ``path`` (ORed with other conditions, a bitmap scan of each), where ``IN (subquery)``
    beside an OR is checked row by row over the whole table (the regional outbox list: 270 ms
    against 33 ms over 50,000 emails). Anywhere else, ``IN (subquery)``."""
    if connection.vendor != "postgresql":
        return Q(**{f"{path}__in": ids})
    from django.contrib.postgres.expressions import ArraySubquery

    return Q(_EqualsAny(F(path), ArraySubquery(ids)))


class _EqualsAny(Lookup):
    """``lhs = ANY(rhs)``, ``rhs`` an array (PostgreSQL)."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _icbs_of_las(*, la_ids, regions) -> QuerySet:
    """The ICBs covering any of ``la_ids`` or any LA in ``regions`` (a subquery)."""
    return LocalAuthority.icbs.through.objects.filter(
        Q(localauthority_id__in=la_ids) | Q(localauthority__region__in=regions)
    ).values("integratedcareboard_id")


def _las_of_mhst_areas(mhst_area_ids) -> QuerySet:
    return MHSTArea.local_authorities.through.objects.filter(mhstarea_id__in=mhst_area_ids).values(
        "localauthority_id"
    )


def _mhst_areas_of_las(*, la_ids, regions) -> QuerySet:
    return MHSTArea.local_authorities.through.objects.filter(
        Q(localauthority_id__in=la_ids) | Q(localauthority__region__in=regions)
    ).values("mhstarea_id")


NATIONAL = Scope(national=True)
NOTHING = Scope()


def _scope_of(user) -> Scope:
    roles = roles_of(user)
    if Role.NATIONAL_ADMIN in roles or Role.VIEWER in roles:
        return NATIONAL
    scope = NOTHING
    if Role.REGIONAL_COORDINATOR in roles:
        assignment = (
            Assignment.objects.filter(user=user)
            .prefetch_related("local_authorities", "mhst_areas")
            .first()
        )
        if assignment is not None:
            scope = Scope(
                la_ids=frozenset(la.pk for la in assignment.local_authorities.all()),
                mhst_area_ids=frozenset(area.pk for area in assignment.mhst_areas.all()),
                regions=frozenset(assignment.regions),
            )
    if Role.FACILITATOR in roles:
        scope = replace(scope, facilitator_id=user.pk)
    return scope


def scope_for(user) -> Scope:
    """The areas ``user`` may see, worked out once per request (cached on the user)."""
    cached = getattr(user, "_link_scope", None)
    if cached is None:
        cached = _scope_of(user)
        if user.is_authenticated:
            user._link_scope = cached
    return cached
