"""Django admin for questionnaires: two levels.

A questionnaire's page holds its sections and its questions (each question's choices are on
the question's own page). Published questionnaires, and any with responses, are read-only
here: the "Make a new version" action copies one into an editable draft.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from evaluation.models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    Section,
    SurveyInvitation,
    TimePoint,
)
from evaluation.services import (
    QuestionnaireError,
    questionnaire_check_editable,
    questionnaire_edit_copy,
    questionnaire_is_locked,
    questionnaire_publish,
    questionnaire_unpublish,
)

VERSIONING_RULE = _(
    "A published questionnaire, or one that people have started answering, cannot be changed: "
    "its answers must keep meaning what they meant. To change it, tick it in the list of "
    "questionnaires and choose “Make a new version”. That makes an unpublished copy with the "
    "next version number; edit the copy, then publish it. Keep a question's code when you "
    "only reword it, so its answers can be compared across versions."
)


def _locked(obj) -> bool:
    """Whether ``obj`` is locked, asked of the database once per object (the change page
    asks for every inline and permission)."""
    if obj is None:
        return False
    if not hasattr(obj, "_admin_locked"):
        obj._admin_locked = questionnaire_is_locked(obj)
    return obj._admin_locked


class LockedInlineMixin:
    """An inline that is read-only while its questionnaire is locked."""

    def has_add_permission(self, request, obj=None):
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)


class SectionForm(forms.ModelForm):
    """Time points as tick boxes (none ticked: asked every time), not raw JSON."""

    time_points = forms.TypedMultipleChoiceField(
        choices=TimePoint.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("asked at"),
        help_text=_("Tick none to ask this section at every time point."),
    )

    class Meta:
        model = Section
        fields = ("order", "title", "intro", "time_points")


class SectionInline(LockedInlineMixin, admin.TabularInline):
    model = Section
    form = SectionForm
    fields = ("order", "title", "intro", "time_points")
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "intro":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class QuestionInlineFormSet(forms.BaseInlineFormSet):
    """Offers only this questionnaire's sections, fetched once for the whole formset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_choices = [("", "---------")]
        if self.instance.pk is not None:
            self.section_choices += [
                (section.pk, str(section)) for section in self.instance.sections.order_by("order")
            ]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get("section")
        if field is not None:
            field.queryset = Section.objects.filter(questionnaire=self.instance.pk)
            field.choices = self.section_choices
            inner = getattr(field.widget, "widget", None)
            if inner is not None:
                inner.choices = self.section_choices


class QuestionInline(LockedInlineMixin, admin.TabularInline):
    model = Question
    formset = QuestionInlineFormSet
    fields = (
        "section",
        "order",
        "code",
        "text",
        "kind",
        "required",
        "outcome",
        "likert_low_label",
        "likert_high_label",
    )
    extra = 0
    show_change_link = True
    ordering = ("section__order", "order")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "section":
            # Plain select: the "add another section" pop-up would add to any questionnaire.
            formfield.widget = forms.Select()
        return formfield


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "family",
        "version",
        "audience",
        "is_published",
        "question_count",
        "updated_at",
    )
    list_filter = ("audience", "is_published", "family")
    search_fields = ("name", "family")
    actions = ("make_new_version", "publish", "unpublish")
    inlines = (SectionInline, QuestionInline)
    fieldsets = (
        (
            None,
            {
                "fields": ("name", "family", "version", "audience", "intro", "is_published"),
                "description": VERSIONING_RULE,
            },
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_question_count=Count("questions"))

    @admin.display(description=_("questions"), ordering="_question_count")
    def question_count(self, obj: Questionnaire) -> int:
        return obj._question_count

    def get_readonly_fields(self, request, obj=None):
        # Versions are numbered by the services; publishing goes through its checks.
        readonly = ["version", "is_published", "created_at", "updated_at"]
        if obj is not None:
            readonly.append("family")
        if _locked(obj):
            readonly += ["name", "audience", "intro"]
        return readonly

    @admin.action(description=_("Make a new version"))
    def make_new_version(self, request, queryset):
        for questionnaire in queryset:
            copy = questionnaire_edit_copy(questionnaire=questionnaire)
            url = reverse("admin:evaluation_questionnaire_change", args=[copy.pk])
            self.message_user(
                request,
                format_html(
                    'Made <a href="{}">{}</a>, an unpublished copy of {}: '
                    "edit it, then publish it.",
                    url,
                    copy,
                    questionnaire,
                ),
            )

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        for questionnaire in queryset:
            try:
                questionnaire_publish(questionnaire=questionnaire)
            except QuestionnaireError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, f"Published {questionnaire}.")

    @admin.action(description=_("Unpublish (stop sending it)"))
    def unpublish(self, request, queryset):
        for questionnaire in queryset:
            questionnaire_unpublish(questionnaire=questionnaire)
            self.message_user(request, f"Unpublished {questionnaire}.")


class ChoiceInline(LockedInlineMixin, admin.TabularInline):
    model = Choice
    fields = ("order", "label", "value", "score")
    extra = 0

    def _questionnaire(self, obj):
        return obj.section.questionnaire if obj is not None else None

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, self._questionnaire(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, self._questionnaire(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, self._questionnaire(obj))


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = (
            "section",
            "order",
            "code",
            "text",
            "help_text",
            "kind",
            "required",
            "outcome",
            "likert_low_label",
            "likert_high_label",
            "min_value",
            "max_value",
        )

    def clean(self):
        cleaned = super().clean()
        # The scale labels and the rest are checked by Question.clean() (after this).
        section = cleaned.get("section")
        if section is not None:
            try:
                questionnaire_check_editable(section.questionnaire)
            except QuestionnaireError as error:
                raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ("code", "short_text", "questionnaire", "section", "kind", "required", "outcome")
    list_filter = (
        ("questionnaire", admin.RelatedOnlyFieldListFilter),
        "kind",
        "outcome",
        "required",
    )
    search_fields = ("code", "text", "questionnaire__name", "questionnaire__family")
    list_select_related = ("questionnaire", "section")
    inlines = (ChoiceInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "section",
                    "order",
                    "code",
                    "text",
                    "help_text",
                    "kind",
                    "required",
                    "outcome",
                ),
                "description": VERSIONING_RULE,
            },
        ),
        (_("Scale questions"), {"fields": ("likert_low_label", "likert_high_label")}),
        (_("Number questions"), {"fields": ("min_value", "max_value")}),
    )

    @admin.display(description=_("question"))
    def short_text(self, obj: Question) -> str:
        return obj.text if len(obj.text) <= 80 else f"{obj.text[:79]}…"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = Section.objects.select_related("questionnaire").filter(
                questionnaire__is_published=False
            )
            formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
            formfield.label_from_instance = lambda section: f"{section.questionnaire} — {section}"
            return formfield
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _locked(self, obj) -> bool:
        return obj is not None and _locked(obj.section.questionnaire)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


# --- Invitations and responses: read-only records -------------------------------------------

READ_ONLY_RECORD = _(
    "Invitations and responses are written by the surveys themselves and are read-only here. "
    "Reports never show who answered what; a response can be deleted (for example on an "
    "erasure request), which removes its answers."
)


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Seen and deleted in the admin, never added or edited there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyRecordAdmin):
    list_display = (
        "__str__",
        "time_point",
        "cohort",
        "who",
        "questionnaire",
        "due_at",
        "closes_at",
        "sent_at",
        "reminded_at",
        "responded",
    )
    list_filter = ("time_point", ("questionnaire", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "due_at"
    list_select_related = ("cohort", "questionnaire", "response", "participant")
    search_fields = ("cohort__name",)
    fields = (
        "time_point",
        "cohort",
        "participant",
        "questionnaire",
        "due_at",
        "closes_at",
        "sent_at",
        "reminded_at",
    )
    raw_id_fields = ("cohort", "participant", "questionnaire")

    @admin.display(description=_("for"))
    def who(self, obj: SurveyInvitation) -> str:
        # The kind of person, not who: the list is for checking the schedule.
        if obj.participant is None:
            return _("anonymous (link removed)")
        return obj.participant.get_kind_display()

    @admin.display(description=_("response"))
    def responded(self, obj: SurveyInvitation) -> str:
        response = getattr(obj, "response", None)
        if response is None:
            return "–"
        return _("submitted") if response.is_submitted else _("in progress")


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ("question", "number", "choice", "text")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "question__section")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyRecordAdmin):
    list_display = (
        "__str__",
        "time_point",
        "cohort",
        "questionnaire",
        "submitted_at",
        "updated_at",
    )
    list_filter = (
        "time_point",
        ("submitted_at", admin.EmptyFieldListFilter),
        ("questionnaire", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("cohort", "questionnaire")
    search_fields = ("cohort__name",)
    # The invitation (and through it the place) is deliberately not shown.
    fields = ("time_point", "cohort", "questionnaire", "submitted_at", "created_at", "updated_at")
    readonly_fields = fields
    inlines = (AnswerInline,)

    def get_fieldsets(self, request, obj=None):
        return ((None, {"fields": self.fields, "description": READ_ONLY_RECORD}),)
