"""Invitation waves: which a user sees, whom they target, how far they have got."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from cohorts.models import (
    Cohort,
    CohortStatus,
    Invitation,
    InvitationChannel,
    Phase,
    Wave,
    WaveAudience,
    WaveStatus,
)
from cohorts.selectors.booking import (
    PLAN_STANDING_STATUSES,
    cohorts_open_for_booking,
    phase_reachable_establishments,
)
from outbox.selectors import delivery_counts
from schools.models import Establishment, LocalAuthority, MHSTArea


def waves_in_scope(*, scope) -> QuerySet[Wave]:
    """The waves ``scope`` may list, open and act on: those whose every target lies in its
    areas. National scopes see all of them.

    A wave reaches the LAs and MHST areas chosen for it, or, with none chosen, all of its
    phase's areas. A regional scope covers a wave when it covers each of those areas whole
    (``Scope.whole_local_authorities`` / ``whole_mhst_areas``); a wave that reaches one school
    beyond it (another LA, an MHST area that spans LAs) is a 404, however the phases overlap.
    """
    if scope.national:
        return Wave.objects.all()
    if not scope.has_areas:
        return Wave.objects.none()
    covered_las = LocalAuthority.objects.filter(scope.whole_local_authorities())
    covered_areas = MHSTArea.objects.filter(scope.whole_mhst_areas())
    wave_las = Wave.local_authorities.through.objects.filter(wave=OuterRef("pk"))
    wave_areas = Wave.mhst_areas.through.objects.filter(wave=OuterRef("pk"))
    phase_las = Phase.local_authorities.through.objects.filter(phase=OuterRef("phase"))
    phase_areas = Phase.mhst_areas.through.objects.filter(phase=OuterRef("phase"))
    chosen_covered = ~Exists(wave_las.exclude(localauthority__in=covered_las)) & ~Exists(
        wave_areas.exclude(mhstarea__in=covered_areas)
    )
    phase_covered = (
        (Exists(phase_las) | Exists(phase_areas))
        & ~Exists(phase_las.exclude(localauthority__in=covered_las))
        & ~Exists(phase_areas.exclude(mhstarea__in=covered_areas))
    )
    chose_areas = Exists(wave_las) | Exists(wave_areas)
    return Wave.objects.filter(chosen_covered & (chose_areas | phase_covered))


def waves_in_progress(*, scope) -> list:
    """Waves in scope that are scheduled, sending or paused, or whose emails are still on
    their way, with their progress: a fixed number of queries (at most a handful of waves)."""

    waves = list(
        waves_in_scope(scope=scope)
        .filter(status__in=(WaveStatus.SCHEDULED, WaveStatus.SENDING, WaveStatus.PAUSED))
        .select_related("phase")[:10]
    )
    for wave in waves:
        wave.progress = wave_progress(wave=wave)
        wave.delivery = wave_delivery(wave=wave)
    return waves


# --- Invitation waves ------------------------------------------------------------------


def wave_reach(*, wave: Wave) -> QuerySet[Establishment]:
    """The establishments of the wave's areas and filters, whatever its audience: eligible,
    in its areas, of its type groups, no place yet."""
    targets = phase_reachable_establishments(phase=wave.phase)
    las, areas = list(wave.local_authorities.all()), list(wave.mhst_areas.all())
    if las or areas:
        targets = targets.filter(Q(la__in=las) | Q(mhst_area__in=areas))
    if wave.type_groups:
        targets = targets.filter(type_group__in=wave.type_groups)
    if wave.mhst_only:
        targets = targets.filter(mhst_area__isnull=False)
    return targets


def _planned_rows(*, phase: Phase):
    """The plan of ``phase``: (cohort, establishment) rows of its cohorts, while they stand."""
    return Cohort.planned_establishments.through.objects.filter(
        cohort__phase=phase, cohort__status__in=PLAN_STANDING_STATUSES
    )


def wave_targets(*, wave: Wave) -> QuerySet[Establishment]:
    """Every establishment the wave is for: its reach (``wave_reach``), and when it invites
    the plan, only those planned into a cohort of its phase that is open for booking (open or
    full, booking not closed: what the school's page offers it first). A school planned into
    a cohort not open yet is left out until it opens (``wave_plan_left_out`` names them)."""
    targets = wave_reach(wave=wave)
    if wave.audience == WaveAudience.PLAN:
        open_now = cohorts_open_for_booking(today=timezone.localdate())
        planned = _planned_rows(phase=wave.phase).filter(cohort__in=open_now)
        targets = targets.filter(pk__in=planned.values("establishment_id"))
    return targets


# --- What the preview flags before anything is sent ---------------------------------------


@dataclass(frozen=True)
class InvitedBefore:
    """A school of the wave invited before, in another wave: the latest such invitation."""

    establishment: Establishment
    invited_at: datetime
    channel: str
    wave_name: str
    times: int


def wave_invited_before(
    *, wave: Wave, targets: QuerySet[Establishment], sample_size: int = 50
) -> tuple[int, list[InvitedBefore]]:
    """How many of ``targets`` were invited in another wave (by any channel, from the
    invitation records), and the ``sample_size`` invited most recently, each with its latest
    invitation's date, channel and wave. Two queries, however many targets."""
    others = Invitation.objects.exclude(wave=wave)
    invited = targets.filter(pk__in=others.values("establishment_id"))
    count = invited.count()
    if not count:
        return 0, []
    latest = others.filter(establishment=OuterRef("pk")).order_by("-invited_at", "-pk")
    times = (
        others.filter(establishment=OuterRef("pk"))
        .order_by()
        .values("establishment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = invited.annotate(
        last_invited_at=Subquery(latest.values("invited_at")[:1]),
        last_channel=Subquery(latest.values("channel")[:1]),
        last_wave=Subquery(latest.values("wave__name")[:1]),
        times=Subquery(times[:1]),
    ).order_by("-last_invited_at", "name")[:sample_size]
    return count, [
        InvitedBefore(
            establishment=row,
            invited_at=row.last_invited_at,
            channel=InvitationChannel(row.last_channel).label,
            wave_name=row.last_wave,
            times=row.times,
        )
        for row in rows
    ]


def wave_areas_without_open_cohort(*, targets: QuerySet[Establishment]) -> list[dict]:
    """The local authorities of ``targets`` with schools that no cohort open for booking
    serves (none open in their LA or MHST area, or booking closed; a full cohort takes only a
    waiting list, so it does not count): [{"la__name", "schools"}], one query."""
    open_now = cohorts_open_for_booking(today=timezone.localdate(), statuses=(CohortStatus.OPEN,))
    las = open_now.filter(local_authority__isnull=False).values("local_authority_id")
    areas = open_now.filter(mhst_area__isnull=False).values("mhst_area_id")
    return list(
        Establishment.objects.filter(pk__in=targets.values("pk"))
        .exclude(la__in=las)
        .exclude(mhst_area__in=areas)
        .values("la__name")
        .annotate(schools=Count("pk"))
        .order_by("la__name")
    )


def wave_plan_left_out(*, wave: Wave) -> list[dict]:
    """For a wave inviting the plan: the phase's planned cohorts not open for booking (not
    opened yet, or booking closed) and how many of the wave's schools (its reach) each holds,
    who are left out until it opens: [{"name", "status", "schools", "booking_closed"}], one
    query."""
    open_now = cohorts_open_for_booking(today=timezone.localdate())
    rows = (
        _planned_rows(phase=wave.phase)
        .filter(establishment__in=wave_reach(wave=wave).values("pk"))
        .exclude(cohort__in=open_now)
        .values("cohort__name", "cohort__status")
        .annotate(schools=Count("pk"))
        .order_by("cohort__name")
    )
    return [
        {
            "name": row["cohort__name"],
            "status": CohortStatus(row["cohort__status"]).label,
            "schools": row["schools"],
            # Open or full, yet not open for booking: its booking has closed.
            "booking_closed": row["cohort__status"] != CohortStatus.PLANNED,
        }
        for row in rows
    ]


def wave_remaining(*, wave: Wave) -> QuerySet[Establishment]:
    """Targets with a contact email that this wave has not invited yet (by any channel).

    "Not yet invited" is a NOT IN over the wave's own invitations (unique by wave and
    school): PostgreSQL hashes it once, where a correlated EXISTS took over a minute at 22,000.
    """
    invited = Invitation.objects.filter(wave=wave).values("establishment_id")
    return wave_targets(wave=wave).exclude(contact_email="").exclude(pk__in=invited).order_by("pk")


def wave_progress(*, wave: Wave) -> dict[str, int]:
    """How far the wave has got, from its invitations (never from the outbox, whose emails
    retention may delete): invited (by email, or recorded by a coordinator), its targets and
    the percentage invited; two aggregate queries."""
    counts = Invitation.objects.filter(wave=wave).aggregate(
        invited=Count("pk"),
        by_email=Count("pk", filter=Q(channel=InvitationChannel.EMAIL)),
    )
    counts["recorded"] = counts["invited"] - counts["by_email"]
    counts["targets"] = (
        counts["invited"]
        if wave.status in (WaveStatus.SENT, WaveStatus.CANCELLED)
        else counts["invited"] + wave_remaining(wave=wave).count()
    )
    counts["percent"] = (
        round(100 * counts["invited"] / counts["targets"]) if counts["targets"] else 0
    )
    return counts


def wave_delivery(*, wave: Wave) -> dict[str, int]:
    """Where the wave's invitation emails are (the outbox's figures: sent, on their way,
    failed, cancelled), one query. Facts about emails, not about the programme."""
    return delivery_counts(
        email_ids=Invitation.objects.filter(wave=wave, email__isnull=False).values("email_id")
    )
