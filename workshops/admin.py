"""Sessions, professionals and attendance are shown in the admin by the app of the way of
delivering whose pages change them (``cohorts.admin`` for a cohort's workshop days), since
each admin record links to that page.

The directory (venues and local professionals) is every way of delivering's, so it is here;
the database's constraints hold its rules (an area, a whole position, one name or email
per area) however it is edited, and its history records each change."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workshops.models import LocalProfessional, Venue


class DirectoryAdmin(SimpleHistoryAdmin):
    list_select_related = ("local_authority", "mhst_area")
    autocomplete_fields = ("local_authority", "mhst_area")
    list_filter = ("mhst_area",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Venue)
class VenueAdmin(DirectoryAdmin):
    list_display = ("name", "postcode", "local_authority", "mhst_area", "capacity", "easting")
    search_fields = ("name", "postcode", "address", "local_authority__name", "mhst_area__name")


@admin.register(LocalProfessional)
class LocalProfessionalAdmin(DirectoryAdmin):
    list_display = ("name", "role", "organisation", "sector", "local_authority", "mhst_area")
    list_filter = ("sector", "mhst_area")
    search_fields = ("name", "email", "organisation", "local_authority__name", "mhst_area__name")
