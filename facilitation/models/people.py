"""The people an engagement brings together: an area's strategic leaders, not schools."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import validate_one_line
from facilitation.models.engagements import Engagement
from workshops.models import Participant, ParticipantKind, PersonFromAnOrganisation


class Sector(models.TextChoices):
    EDUCATION = "education", _("Education")
    NHS_CYPMHS = "nhs_cypmhs", _("NHS CYPMHS")
    LOCAL_AUTHORITY = "la", _("Local authority")
    VCS = "vcs", _("Voluntary and community sector")
    ICB = "icb", _("ICB commissioning")
    OTHER = "other", _("Other")


#: The sectors the programme joins up (the 2021 model: education, health, the local
#: authority and the voluntary sector): an invite list without one of them is warned about.
JOINED_SECTORS = (Sector.EDUCATION, Sector.NHS_CYPMHS, Sector.LOCAL_AUTHORITY, Sector.VCS)


class StakeholderRole(models.TextChoices):
    HEAD_OF_SERVICE = "head_of_service", _("Head of service")
    SENIOR_MANAGER = "senior_manager", _("Senior manager")
    SERVICE_LEAD = "service_lead", _("Service lead")
    COMMISSIONER = "commissioner", _("Commissioner")
    EDUCATION_LEADER = "education_leader", _("Headteacher or education leader")
    CLINICAL_LEAD = "clinical_lead", _("Clinical lead")
    OTHER = "other", _("Other")


class Stakeholder(PersonFromAnOrganisation, TimeStampedModel):
    """One local strategic leader on an engagement: invited to its meetings, their
    attendance recorded (through their ``participant``). A lead contact is the area's named
    contact for the engagement."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="stakeholders",
        verbose_name=_("engagement"),
    )
    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name=ParticipantKind.STAKEHOLDER.value,
        verbose_name=_("participant"),
    )
    name = models.CharField(_("name"), max_length=150, validators=[validate_one_line])
    role = models.CharField(_("role"), max_length=20, choices=StakeholderRole.choices)
    organisation = models.CharField(
        _("organisation"), max_length=200, validators=[validate_one_line]
    )
    sector = models.CharField(_("sector"), max_length=12, choices=Sector.choices)
    email = models.EmailField(_("email"))
    is_lead = models.BooleanField(
        _("lead contact"), default=False, help_text=_("The area's named contact.")
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["engagement", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values), name="stakeholder_sector"
            ),
            models.CheckConstraint(
                condition=Q(role__in=StakeholderRole.values), name="stakeholder_role"
            ),
            # Anonymised stakeholders (``facilitation.retention``) have no address: many may.
            models.UniqueConstraint(
                Lower("email"),
                "engagement",
                condition=~Q(email=""),
                name="stakeholder_email_once_per_engagement",
                violation_error_message=_("This email address is already on this engagement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def save(self, *args, **kwargs) -> None:
        """A new stakeholder is a participant on their engagement's delivery."""
        if self.participant_id is None:
            self.participant = Participant.objects.create(
                delivery_id=self.engagement.delivery_id, kind=ParticipantKind.STAKEHOLDER
            )
        super().save(*args, **kwargs)
