"""Admin for users' roles and area assignments."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Assignment
from schools.models import Region

User = get_user_model()


class AssignmentForm(forms.ModelForm):
    regions = forms.MultipleChoiceField(
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Whole regions"),
    )

    class Meta:
        model = Assignment
        fields = ("local_authorities", "mhst_areas", "regions")


class AssignmentInline(admin.StackedInline):
    model = Assignment
    form = AssignmentForm
    can_delete = True
    extra = 0
    max_num = 1
    filter_horizontal = ("local_authorities", "mhst_areas")
    verbose_name = _("areas (regional coordinators)")


admin.site.unregister(User)


@admin.register(User)
class LinkUserAdmin(UserAdmin):
    """Users, with their role (group) and, for regional coordinators, their areas."""

    inlines = (AssignmentInline,)
    list_display = ("username", "email", "roles", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    # Django records these; nobody should type them (and their split date-time boxes had no
    # labels a screen reader could read).
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj) -> str:
        return ", ".join(group.name for group in obj.groups.all())
