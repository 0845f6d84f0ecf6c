"""Invitation waves: which a user sees, whom they target, how far they have got."""

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from cohorts.models import (
    Invitation,
    InvitationChannel,
    Phase,
    Wave,
    WaveStatus,
)
from cohorts.selectors.booking import phase_reachable_establishments
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


def wave_targets(*, wave: Wave) -> QuerySet[Establishment]:
    """Every establishment the wave is for: eligible, in its areas, no place yet."""
    targets = phase_reachable_establishments(phase=wave.phase)
    las, areas = list(wave.local_authorities.all()), list(wave.mhst_areas.all())
    if las or areas:
        targets = targets.filter(Q(la__in=las) | Q(mhst_area__in=areas))
    if wave.type_groups:
        targets = targets.filter(type_group__in=wave.type_groups)
    if wave.mhst_only:
        targets = targets.filter(mhst_area__isnull=False)
    return targets


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
