"""Stakeholders: an engagement's local strategic leaders, added one by one or from a CSV
(``facilitation.services.stakeholder_import``)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from core.actors import takes_actor
from core.validators import field_values_check
from facilitation import notifications
from facilitation.errors import FacilitationError
from facilitation.models import Engagement, Sector, Stage, Stakeholder, StakeholderRole


@dataclass(frozen=True)
class StakeholderDetails:
    """What a coordinator enters for one stakeholder."""

    name: str
    role: str
    organisation: str
    sector: str
    email: str
    is_lead: bool = False


def stakeholder_details_check(details: StakeholderDetails) -> None:
    """A known role and sector; one-line name and organisation; an email address."""
    if details.role not in StakeholderRole.values:
        raise FacilitationError(f"Unknown role {details.role!r}.", code="role")
    if details.sector not in Sector.values:
        raise FacilitationError(f"Unknown sector {details.sector!r}.", code="sector")
    field_values_check(
        Stakeholder,
        error=FacilitationError,
        name=details.name,
        organisation=details.organisation,
        email=details.email,
    )


def _email_check(engagement: Engagement, email: str, stakeholder: Stakeholder | None = None):
    others = engagement.stakeholders.filter(email__iexact=email)
    if stakeholder is not None:
        others = others.exclude(pk=stakeholder.pk)
    other = others.first()
    if other is not None:
        raise FacilitationError(
            f"{other.name} is already on this engagement with the email address {email}: "
            "each person is added once. Correct their details instead.",
            code="email_taken",
        )


def _open_check(engagement: Engagement) -> None:
    if engagement.stage == Stage.CLOSED:
        raise FacilitationError(f"{engagement.name} is closed.")


def _save(stakeholder: Stakeholder) -> None:
    """Save, turning a race with another save of the same email into the readable refusal."""
    try:
        with transaction.atomic():
            stakeholder.save()
    except IntegrityError:
        _email_check(stakeholder.engagement, stakeholder.email, stakeholder)
        raise


@takes_actor
def stakeholder_add(*, engagement: Engagement, details: StakeholderDetails) -> Stakeholder:
    """Add a stakeholder to ``engagement``; they are sent the invitations to its meetings
    still to come that invite everyone (after commit, by the outbox's task)."""
    stakeholder_details_check(details)
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        _open_check(engagement)
        _email_check(engagement, details.email)
        stakeholder = Stakeholder(engagement=engagement, **details.__dict__)
        _save(stakeholder)
        if engagement.meetings.exists():
            notifications.fan_out(notifications.stakeholder_joined, stakeholder_id=stakeholder.pk)
    return stakeholder


@takes_actor
def stakeholder_update(*, stakeholder: Stakeholder, details: StakeholderDetails) -> Stakeholder:
    """Correct a stakeholder's details (their attendance stays as recorded). A new email
    address is sent the invitations to the meetings still to come."""
    stakeholder_details_check(details)
    with transaction.atomic():
        stakeholder = (
            Stakeholder.objects.select_for_update(of=("self",))
            .select_related("engagement")
            .get(pk=stakeholder.pk)
        )
        _open_check(stakeholder.engagement)
        _email_check(stakeholder.engagement, details.email, stakeholder)
        new_address = stakeholder.email.lower() != details.email.lower()
        for name, value in details.__dict__.items():
            setattr(stakeholder, name, value)
        _save(stakeholder)
        if new_address:
            # What the old address was sent: the new one is sent it again, in a new round.
            stakeholder.invites.update(
                told_digest="",
                told_at=None,
                reminded_at=None,
                off_told_at=None,
                round=F("round") + 1,
            )
            notifications.fan_out(notifications.stakeholder_joined, stakeholder_id=stakeholder.pk)
    return stakeholder
