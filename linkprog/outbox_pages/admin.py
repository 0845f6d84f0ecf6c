"""Admin for the outbox: find, read, retry and cancel emails. Registered from linkprog/admin.py:
who may see booking links is a role (accounts), which the outbox does not import."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.roles import ACT_FOR_SCHOOLS
from core.logging import redact_link_tokens, redact_survey_tokens
from outbox.models import EmailStatus, FanOut, OutgoingEmail
from outbox.services import OutboxError, email_cancel, email_retry


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "campaign",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "created_at",
    )
    list_filter = ("status", "kind")
    search_fields = (
        "recipient",
        "subject",
        "campaign",
        "establishment__name",
        "=establishment__urn",
    )
    list_select_related = ("establishment",)
    # The bodies are shown with survey-link tokens hidden (core.logging), and booking-link
    # tokens too for a user who may not act for a school (as on the outbox page).
    exclude = ("body_text", "body_html")
    readonly_fields = [
        *(f.name for f in OutgoingEmail._meta.fields if f.name not in ("body_text", "body_html")),
        "plain_text",
        "html",
    ]
    actions = ("retry_failed", "cancel_unsent")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm(ACT_FOR_SCHOOLS):
            return self.readonly_fields
        return [*self.readonly_fields[:-2], "plain_text_booking_redacted", "html_booking_redacted"]

    @admin.display(description=_("plain text"))
    def plain_text(self, obj: OutgoingEmail) -> str:
        return redact_survey_tokens(obj.body_text)

    @admin.display(description=_("HTML"))
    def html(self, obj: OutgoingEmail) -> str:
        return redact_survey_tokens(obj.body_html)

    @admin.display(description=_("plain text"))
    def plain_text_booking_redacted(self, obj: OutgoingEmail) -> str:
        return redact_link_tokens(obj.body_text)

    @admin.display(description=_("HTML"))
    def html_booking_redacted(self, obj: OutgoingEmail) -> str:
        return redact_link_tokens(obj.body_html)

    def has_add_permission(self, request):
        return False  # emails are made by the services that send them

    @admin.action(description=_("Retry the selected failed emails"))
    def retry_failed(self, request, queryset):
        done = 0
        for email in queryset.filter(status=EmailStatus.FAILED):
            email_retry(email=email)
            done += 1
        self.message_user(request, f"{done} emails queued again.")

    @admin.action(description=_("Cancel the selected unsent emails"))
    def cancel_unsent(self, request, queryset):
        done = 0
        for email in queryset:
            try:
                email_cancel(email=email)
                done += 1
            except OutboxError:
                continue
        self.message_user(request, f"{done} emails cancelled.", messages.SUCCESS)


@admin.register(FanOut)
class FanOutAdmin(admin.ModelAdmin):
    """Read-only: what each fan-out was, and whether its emails were queued (a failed one is
    tried again by the sweeper; its last error says why it failed)."""

    list_display = ("id", "name", "created_at", "done_at", "attempts", "last_error")
    list_filter = ("name",)
    readonly_fields = [f.name for f in FanOut._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
