"""A cohort's roster as CSV, for the coordinator (a private download)."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.views import View

from cohorts.selectors import (
    cohort_detail,
)
from cohorts.views.mixins import ScopedCohortMixin
from core.spreadsheets import private_download, spreadsheet_safe


def _local_date(moment) -> str:
    return timezone.localdate(moment).isoformat() if moment else ""


class RosterCsvView(ScopedCohortMixin, View):
    """The roster, offers, waiting list and cancelled places as CSV, with attendance by day
    and, for a cancelled place, when, why and by whom."""

    def get(self, request, pk):
        cohort = self.get_cohort()
        detail = cohort_detail(cohort=cohort)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        private_download(response, f"cohort-{cohort.pk}-roster.csv")
        writer = csv.writer(response)
        writer.writerow(
            [
                "URN",
                "Establishment",
                "Local authority",
                "Postcode",
                "Status",
                "Waiting position",
                "Attendee",
                "Role",
                "Email",
                "Phone",
                "Access needs",
                "Workshop 1",
                "Workshop 2",
                "Completed on",
                "Cancelled on",
                "Cancellation reason",
                "Reason given",
                "Cancelled by",
            ]
        )
        present = {True: "present", False: "absent", None: ""}
        for number, place in enumerate(detail["waiting"], start=1):
            place.days, place.rank = [None, None], number
        places = [*detail["roster"], *detail["offered"], *detail["waiting"], *detail["cancelled"]]
        for place in places:
            days = [*getattr(place, "days", []), None, None][:2]
            writer.writerow(
                spreadsheet_safe(value)
                for value in (
                    place.establishment.urn,
                    place.establishment.name,
                    place.establishment.la.name if place.establishment.la else "",
                    place.establishment.postcode,
                    place.get_status_display(),
                    getattr(place, "rank", ""),
                    place.attendee_name,
                    place.attendee_role,
                    place.attendee_email,
                    place.attendee_phone,
                    place.access_needs,
                    present[days[0]],
                    present[days[1]],
                    place.completed_on.isoformat() if place.completed_on else "",
                    _local_date(place.cancelled_at),
                    place.get_cancel_reason_display(),
                    place.cancel_note,
                    getattr(place, "cancelled_by", ""),
                )
            )
        return response
