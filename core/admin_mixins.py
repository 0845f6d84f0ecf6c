"""The Django admin for records that change only through their services.

Cohorts, workshop days, places, waves, professionals and attendance change through services
that keep the programme's rules (no past workshop dates on an open cohort, the waiting
list, capacity), email the people affected and record who changed what. A plain admin form
would write the row directly and do none of that, so for these the admin only shows: each
record links to the page that changes it, and bulk actions call the services. The history
page lists every change, made on the pages, by an admin action or by a task.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


class ChangedOnItsPageMixin:
    """For admins and inlines: nothing is added, changed or deleted through the admin."""

    # Shown only, never posted; the https default is Django 6's.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChangedOnItsPageAdmin(ChangedOnItsPageMixin, SimpleHistoryAdmin):
    """A read-only admin whose records link to ``page_url(obj)``, where they are changed.
    Its history page is django-simple-history's, and never reverts (a revert would write
    the row directly)."""

    page_link_text = _("Change it on its page")

    def page_url(self, obj) -> str:
        raise NotImplementedError

    @admin.display(description=_("Where to change it"))
    def change_on_its_page(self, obj) -> str:
        return format_html('<a href="{}">{}</a>', self.page_url(obj), self.page_link_text)

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "change_on_its_page"]
        return ["change_on_its_page", *fields]

    def get_readonly_fields(self, request, obj=None):
        return ("change_on_its_page", *super().get_readonly_fields(request, obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
