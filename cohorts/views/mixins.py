"""What every coordinator cohort page shares: the capabilities they need and the cohort of
the URL, found within the user's scope."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.models import PlaceStatus
from cohorts.selectors import cohorts_in_scope
from cohorts.services.places import booking_closed

MANAGE = "accounts.manage_cohorts"
RUN = "accounts.run_cohorts"


class ScopedCohortMixin(CoordinatorRequiredMixin):
    """``self.cohort``: the cohort of the URL, if the user's scope covers it, else 404."""

    permission_required = MANAGE

    def get_cohort(self):
        return get_object_or_404(cohorts_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    def cohort_url(self, cohort) -> str:
        return reverse("cohorts:detail", kwargs={"pk": cohort.pk})


def freed_seat(cohort) -> dict:
    """What happens to the seat a move or cancellation frees on ``cohort``, for
    ``cohorts/includes/freed_seat.html``: offered to the waiting list, free to book, or (once
    booking has closed) offered to no one."""
    return {
        "cohort": cohort,
        "waiting_count": cohort.places.filter(status=PlaceStatus.WAITING).count(),
        "booking_closed": booking_closed(cohort, today=timezone.localdate()),
    }
