"""The admin for online strategic facilitation. Engagements, stakeholders and meetings change
only through their services (stages, invitations, notes' revisions): the admin shows each
record with a link to the page that changes it, and its bulk actions call the services
(``core.admin_mixins``)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ChangedOnItsPageAdmin, ChangedOnItsPageMixin
from core.errors import LinkDomainError
from facilitation.models import (
    Action,
    Engagement,
    Goal,
    GoalReview,
    Meeting,
    MeetingInvite,
    Priority,
    RatingRequest,
    RatingRound,
    SchoolsSurvey,
    SchoolsSurveyInvite,
    StageChange,
    Stakeholder,
)
from facilitation.services.engagements import engagement_move
from facilitation.services.ratings import rating_round_close


class StageChangeInline(ChangedOnItsPageMixin, admin.TabularInline):
    model = StageChange
    fields = ("at", "from_stage", "to_stage", "by", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(Engagement)
class EngagementAdmin(ChangedOnItsPageAdmin):
    list_display = ("name", "stage", "stage_since", "local_authority", "mhst_area", "icb")
    list_filter = ("stage",)
    search_fields = ("name", "local_authority__name", "mhst_area__name", "icb__name")
    list_select_related = ("local_authority", "mhst_area", "icb")
    inlines = [StageChangeInline]
    actions = ["resume"]

    def page_url(self, obj) -> str:
        return reverse("facilitation:detail", args=[obj.pk])

    @admin.action(description=_("Resume the selected paused engagements"))
    def resume(self, request, queryset):
        resumed = 0
        for engagement in queryset:
            try:
                engagement_move(engagement=engagement, move="resume", actor=request.user)
            except LinkDomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                resumed += 1
        self.message_user(request, f"{resumed} engagement(s) resumed.")


@admin.register(Stakeholder)
class StakeholderAdmin(ChangedOnItsPageAdmin):
    list_display = ("name", "role", "organisation", "sector", "engagement", "is_lead")
    list_filter = ("sector", "role", "is_lead")
    search_fields = ("name", "organisation", "email", "engagement__name")
    list_select_related = ("engagement",)

    def page_url(self, obj) -> str:
        return reverse("facilitation:stakeholder-edit", args=[obj.pk])


@admin.register(Meeting)
class MeetingAdmin(ChangedOnItsPageAdmin):
    list_display = (
        "engagement",
        "kind",
        "date",
        "cancelled_at",
        "notes_written_at",
        "notes_reminded_at",
    )
    list_filter = ("kind", ("cancelled_at", admin.EmptyFieldListFilter))
    search_fields = ("engagement__name",)
    list_select_related = ("engagement", "workshop")

    @admin.display(description=_("date"), ordering="workshop__date")
    def date(self, obj):
        return obj.workshop.date

    def page_url(self, obj) -> str:
        return reverse("facilitation:meeting", args=[obj.pk])


@admin.register(MeetingInvite)
class MeetingInviteAdmin(ChangedOnItsPageMixin, admin.ModelAdmin):
    list_display = ("meeting", "stakeholder", "told_at", "reminded_at", "removed_at")
    list_select_related = ("meeting__engagement", "meeting__workshop", "stakeholder")


@admin.register(Priority)
class PriorityAdmin(ChangedOnItsPageAdmin):
    list_display = ("title", "cascade_area", "engagement")
    list_filter = ("cascade_area",)
    search_fields = ("title", "engagement__name")
    list_select_related = ("engagement",)

    def page_url(self, obj) -> str:
        return reverse("facilitation:goals", args=[obj.engagement_id])


@admin.register(Goal)
class GoalAdmin(ChangedOnItsPageAdmin):
    list_display = ("title", "owner", "due_date", "status", "progress")
    list_filter = ("status", "priority__cascade_area")
    search_fields = ("title", "owner__name", "priority__engagement__name")
    list_select_related = ("owner",)

    def page_url(self, obj) -> str:
        return reverse("facilitation:goals", args=[obj.priority.engagement_id])


@admin.register(Action)
class ActionAdmin(ChangedOnItsPageAdmin):
    list_display = ("title", "owner", "due_date", "status")
    list_filter = ("status",)
    search_fields = ("title", "owner__name")
    list_select_related = ("owner",)

    def page_url(self, obj) -> str:
        return reverse("facilitation:goals", args=[obj.goal.priority.engagement_id])


@admin.register(GoalReview)
class GoalReviewAdmin(ChangedOnItsPageMixin, admin.ModelAdmin):
    list_display = ("goal", "meeting", "progress", "status")
    list_select_related = ("goal", "meeting__engagement", "meeting__workshop")


@admin.register(SchoolsSurvey)
class SchoolsSurveyAdmin(ChangedOnItsPageAdmin):
    list_display = ("engagement", "closes_on", "closed_at", "created_at")
    search_fields = ("engagement__name",)
    list_select_related = ("engagement",)

    def page_url(self, obj) -> str:
        return reverse("facilitation:schools-survey", args=[obj.engagement_id])


@admin.register(SchoolsSurveyInvite)
class SchoolsSurveyInviteAdmin(ChangedOnItsPageMixin, admin.ModelAdmin):
    """Who was asked and when; never what one school answered (the survey's page shows
    the answers together, with small numbers hidden)."""

    list_display = ("establishment", "survey", "invited_at", "reminded_at", "answered_at")
    fields = ("survey", "establishment", "invited_at", "reminded_at", "answered_at", "changed_at")
    readonly_fields = fields
    search_fields = ("establishment__name", "establishment__urn", "survey__engagement__name")
    list_select_related = ("establishment", "survey__engagement")


# --- CASCADE ratings: rounds and who was asked; never the ratings themselves, which are
# reported only in aggregate (the evaluation report), so no admin page shows who rated what.


class RatingsPageMixin(ChangedOnItsPageMixin):
    @admin.display(description=_("Where to change it"))
    def change_on_its_page(self, obj) -> str:
        engagement_id = getattr(obj, "engagement_id", None) or obj.round.engagement_id
        url = reverse("facilitation:ratings", args=[engagement_id])
        return format_html('<a href="{}">{}</a>', url, _("The engagement's ratings page"))


@admin.register(RatingRound)
class RatingRoundAdmin(RatingsPageMixin, admin.ModelAdmin):
    list_display = ("engagement", "point", "opened_at", "closed_at", "change_on_its_page")
    list_filter = ("point",)
    search_fields = ("engagement__name",)
    list_select_related = ("engagement",)
    readonly_fields = ("change_on_its_page",)
    actions = ["close"]

    @admin.action(description=_("Close the selected rating rounds"))
    def close(self, request, queryset):
        closed = 0
        for rating_round in queryset:
            try:
                rating_round_close(rating_round=rating_round, actor=request.user)
            except LinkDomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                closed += 1
        self.message_user(request, f"{closed} rating round(s) closed.")


@admin.register(RatingRequest)
class RatingRequestAdmin(RatingsPageMixin, admin.ModelAdmin):
    list_display = ("round", "stakeholder", "sent_at", "reminded_at", "submitted_at")
    list_filter = ("round__point",)
    search_fields = ("round__engagement__name", "stakeholder__name")
    list_select_related = ("round__engagement", "stakeholder")
    fields = (
        "change_on_its_page",
        "round",
        "stakeholder",
        "pair_key",
        "sent_at",
        "reminded_at",
        "submitted_at",
        "entered_by",
    )
    readonly_fields = ("change_on_its_page",)
