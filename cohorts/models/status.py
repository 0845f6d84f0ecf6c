"""Where each establishment is in the programme now: a summary the writes keep current."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import Establishment


class ProgrammeStatusKind(models.TextChoices):
    """An establishment's place in the programme, each excluding the others (see
    ``cohorts.selectors.status.live_programme_status_conditions`` for the rule)."""

    NOT_INVITED = "not_invited", _("Not invited")
    INVITED = "invited", _("Invited")
    WAITING = "waiting", _("Waiting list")
    BOOKED = "booked", _("Booked")
    COMPLETED = "completed", _("Completed")
    ATTENDED_ONE_DAY = "attended_one_day", _("Attended one day")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")


class ProgrammeStatus(models.Model):
    """The programme status of one establishment, worked out from its places and
    invitations whenever one of them is written (``cohorts.status_summary``), so that lists,
    filters and the dashboard read one indexed column instead of searching the whole history
    of places and invitations on every request. An establishment without a row has never
    been invited nor placed. Tests check after every cohorts test that it equals the live
    rule."""

    establishment = models.OneToOneField(
        Establishment,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="programme",
        verbose_name=_("establishment"),
    )
    status = models.CharField(
        _("programme status"), max_length=20, choices=ProgrammeStatusKind.choices
    )
    has_been_booked = models.BooleanField(
        _("has been booked"),
        default=False,
        help_text=_(
            "Has held a place on a cohort's roster (booked, then attended or not), whatever "
            'its status now: the programme funnel\'s "booked".'
        ),
    )

    class Meta:
        verbose_name = _("programme status")
        verbose_name_plural = _("programme statuses")
        indexes = [models.Index(fields=["status"], name="programme_status")]

    def __str__(self) -> str:
        return f"{self.establishment_id}: {self.status}"
