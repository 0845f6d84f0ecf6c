"""Whom a report is about (``ReportGroup``) and the responses and answers that count for
it: submitted ones, from cells of at least ``conf.min_cell()`` (``suppression``, rule 3)."""

from dataclasses import dataclass

from django.db.models import CharField, Count, F, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from cohorts.models import Cohort
from evaluation import conf
from evaluation.models import Answer, Response


@dataclass(frozen=True)
class ReportGroup:
    """Whom a report is about: ``cohorts`` (scoped and filtered) and an ``audience`` value,
    or "" for both audiences."""

    cohorts: QuerySet[Cohort]
    audience: str = ""
    #: The regions ``cohorts`` is known to be every cohort of (and of no other region), from
    #: the scope it was made for (``scope_regions``), so that reading the region totals asks
    #: no count over the cells (``selectors.cells.whole_regions``); None: not known. A group
    #: narrowed by a filter is another group, which does not know it.
    regions: tuple[str, ...] | None = None


def reportable_cohorts(*, scope) -> QuerySet[Cohort]:
    """The cohorts ``scope`` (accounts.scoping) may report on."""
    return scope.apply(
        Cohort.objects.all(),
        la="local_authority",
        mhst_area="mhst_area",
        facilitator="facilitators",
    )


def scope_regions(scope) -> tuple[str, ...] | None:
    """The regions whose every cohort ``reportable_cohorts(scope=scope)`` holds, when it
    holds no other: a coordinator of regions and nothing else (a cohort is in the region of
    its LA, as its cells are). None for any other scope: an LA or MHST area of its own may
    be part of a region, and a facilitator's cohorts are theirs, wherever they are."""
    if scope.national or scope.la_ids or scope.mhst_area_ids or scope.facilitator_id:
        return None
    return tuple(sorted(scope.regions)) or None


def respondent(path: str):
    """Who answered, as pairs are formed and pseudonyms given (``SurveyInvitation.respondent``),
    from the invitation at ``path`` ("invitation__" from a response): its pair key once the
    link to the person is removed (``evaluation.retention``), else its participant. A pair
    formed before the link went is the same pair after."""
    return Coalesce(
        NullIf(f"{path}pair_key", Value("")),
        Concat(Value("p"), Cast(f"{path}participant_id", CharField())),
        output_field=CharField(),
    )


def _audience_q(audience: str, path: str) -> Q:
    return Q(**{f"{path}questionnaire__audience": audience}) if audience else Q()


def pooled_responses(group: ReportGroup | None = None) -> QuerySet[Response]:
    """The submitted responses whose answers may be counted in any report: those in a cell
    (one cohort, one audience, one time point) of at least ``conf.min_cell()`` submitted
    responses; with ``group``, only its cohorts' and audience's.

    Every report filter (phase, region, LA, MHST area, cohort, audience) is a union of such
    cells. Suppressing small results alone is not enough: an LA's figures minus those of its
    one large cohort would give away a small cohort's answers, and a cohort's figures minus
    its school staff's would give away its three professionals'. Leaving small cells out of
    every answer-based figure means any such difference is itself a union of cells of at
    least 5 people. Response rates still count everyone (they say who answered, not what),
    a small cell as 0 or 5 (``suppression``, rule 4).

    The group narrows the responses *before* the window is computed: a cell is one cohort
    and one audience, so leaving out other cohorts and audiences leaves out whole cells and
    does not change the size of any cell kept; a London coordinator then pays for London's
    responses, not the country's.
    """
    responses = Response.objects.filter(submitted_at__isnull=False)
    if group is not None:
        responses = responses.filter(_audience_q(group.audience, ""), cohort__in=group.cohorts)
    return (
        responses.annotate(
            cell_size=Window(
                Count("pk"),
                partition_by=[F("cohort_id"), F("questionnaire__audience"), F("time_point")],
            )
        )
        .filter(cell_size__gte=conf.min_cell())
        .values("pk")
    )


def submitted_responses(group: ReportGroup) -> QuerySet[Response]:
    """Submitted responses of the group whose answers can be counted (``pooled_responses``),
    by their own cohort and version, not the invitation."""
    return Response.objects.filter(pk__in=pooled_responses(group))


def _group_answers(group: ReportGroup) -> QuerySet[Answer]:
    return Answer.objects.filter(response__in=pooled_responses(group))


# --- Response rates ---------------------------------------------------------------------
