"""What every coordinator cohort page shares: the capabilities they need and the cohort of
the URL, found within the user's scope."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.selectors import (
    cohorts_in_scope,
)

MANAGE = "accounts.manage_cohorts"
RUN = "accounts.run_cohorts"


class ScopedCohortMixin(CoordinatorRequiredMixin):
    """``self.cohort``: the cohort of the URL, if the user's scope covers it, else 404."""

    permission_required = MANAGE

    def get_cohort(self):
        return get_object_or_404(cohorts_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    def cohort_url(self, cohort) -> str:
        return reverse("cohorts:detail", kwargs={"pk": cohort.pk})
