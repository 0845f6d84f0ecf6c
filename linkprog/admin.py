"""The admins registered above the apps they show (autodiscovered: linkprog is an app).

The outbox's admin decides who may see booking links (``accounts.roles``), which the
outbox itself may not import, so it is registered from here."""

from django.contrib import admin

from linkprog.models import RetentionRun
from linkprog.outbox_pages import admin as outbox_admin

__all__ = ["outbox_admin"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """The retention job's audit rows: read only (counts, never the data)."""

    list_display = ("started_at", "kind", "actor", "total")
    list_filter = ("kind",)
    readonly_fields = ("kind", "started_at", "finished_at", "counts", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
