"""Engagements: open one for an area, correct it, move it along its path (or pause it)."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from accounts.roles import users_with_role
from core.actors import takes_actor
from core.validators import field_values_check
from facilitation.errors import FacilitationError
from facilitation.models import MOVES, Engagement, Stage, StageChange
from schools.models import IntegratedCareBoard, LocalAuthority, MHSTArea


def _check_area(local_authority, mhst_area, icb) -> None:
    if sum(area is not None for area in (local_authority, mhst_area, icb)) != 1:
        raise FacilitationError(
            "An engagement is for one area: a local authority, an MHST area or an ICB."
        )


def _check_facilitators(facilitators, *, engagement: Engagement | None = None) -> None:
    """Only users holding the Facilitator role facilitate; one who lost the role may stay on
    an engagement they already had, but is not added to another."""
    kept = set(engagement.facilitators.values_list("pk", flat=True)) if engagement else set()
    allowed = kept | set(
        users_with_role(Role.FACILITATOR)
        .filter(pk__in=[user.pk for user in facilitators])
        .values_list("pk", flat=True)
    )
    refused = sorted(user.get_username() for user in facilitators if user.pk not in allowed)
    if refused:
        raise FacilitationError(
            f"{', '.join(refused)} {'is' if len(refused) == 1 else 'are'} not a facilitator: "
            "only users with the Facilitator role can facilitate an engagement."
        )


@takes_actor
def engagement_open(
    *,
    name: str,
    local_authority: LocalAuthority | None = None,
    mhst_area: MHSTArea | None = None,
    icb: IntegratedCareBoard | None = None,
    facilitators: Iterable[AbstractBaseUser] = (),
    joining_link: str = "",
    actor=None,
) -> Engagement:
    """Open an engagement, requested, for one area. Its lead contacts are stakeholders
    (``stakeholder_add(..., is_lead=True)``)."""
    _check_area(local_authority, mhst_area, icb)
    field_values_check(Engagement, error=FacilitationError, name=name, joining_link=joining_link)
    facilitators = list(facilitators)
    _check_facilitators(facilitators)
    with transaction.atomic():
        engagement = Engagement.objects.create(
            name=name,
            local_authority=local_authority,
            mhst_area=mhst_area,
            icb=icb,
            joining_link=joining_link,
            stage_since=timezone.localdate(),
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        engagement.facilitators.set(facilitators)
        StageChange.objects.create(engagement=engagement, to_stage=Stage.REQUESTED, by=_by(actor))
    return engagement


def _by(actor):
    return actor if getattr(actor, "pk", None) else None


@takes_actor
def engagement_update(
    *,
    engagement: Engagement,
    name: str,
    facilitators: Iterable[AbstractBaseUser],
    joining_link: str = "",
) -> Engagement:
    """Correct an engagement's name, facilitators and usual joining link (its area stays:
    an engagement for another area is another engagement). A new joining link is sent to
    those invited to the meetings still to come that have none of their own."""
    from facilitation import notifications

    field_values_check(Engagement, error=FacilitationError, name=name, joining_link=joining_link)
    facilitators = list(facilitators)
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        _check_facilitators(facilitators, engagement=engagement)
        link_changed = engagement.joining_link != joining_link
        engagement.name, engagement.joining_link = name, joining_link
        engagement.save()
        engagement.facilitators.set(facilitators)
        if link_changed:
            upcoming = engagement.meetings.filter(
                workshop__date__gte=timezone.localdate(),
                workshop__joining_link="",
                cancelled_at__isnull=True,
            )
            upcoming.update(sequence=F("sequence") + 1)  # the calendars' event changes
            for meeting_id in upcoming.values_list("pk", flat=True):
                notifications.fan_out(notifications.meeting_invitations, meeting_id=meeting_id)
    return engagement


@takes_actor
def engagement_move(
    *, engagement: Engagement, move: str, reason: str = "", actor=None
) -> Engagement:
    """Move ``engagement`` by ``move`` (``facilitation.models.MOVES``): along its path, to
    paused (a reason is required) or back where it was paused, or closed early (a reason is
    required). Refused, with the stage it is in, when its stage does not allow the move."""
    try:
        declared = MOVES[move]
    except KeyError:
        raise FacilitationError(f"Unknown move {move!r}.") from None
    reason = " ".join(reason.split())
    if declared.needs_reason and not reason:
        raise FacilitationError(f"Say why: {declared.label.lower()} needs a reason.")
    if len(reason) > 300:
        raise FacilitationError("Keep the reason under 300 characters.")
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if engagement.stage not in declared.sources:
            raise FacilitationError(
                f"{engagement.name} is {engagement.get_stage_display().lower()}, so it cannot "
                f"be moved by “{declared.label}”."
            )
        before = engagement.stage
        if declared.name == "resume":
            engagement.stage, engagement.paused_from = engagement.paused_from, ""
            engagement.pause_reason = ""
        elif declared.target == Stage.PAUSED:
            engagement.stage, engagement.paused_from = Stage.PAUSED, before
            engagement.pause_reason = reason
        else:
            engagement.stage, engagement.paused_from = declared.target, ""
            engagement.pause_reason = ""
        engagement.stage_since = timezone.localdate()
        engagement.save()
        StageChange.objects.create(
            engagement=engagement,
            from_stage=before,
            to_stage=engagement.stage,
            by=_by(actor),
            reason=reason,
        )
    return engagement
