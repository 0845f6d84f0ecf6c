"""View mixins for coordinator-facing pages."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin

from accounts.scoping import Scope, scope_for


def user_may_open(user, view_class) -> bool:
    """Whether ``user`` holds every permission ``view_class`` requires (its
    ``permission_required``, as its dispatch checks): pages show a button or link only where
    this is true of the view it leads to, so the two cannot disagree."""
    required = view_class.permission_required
    return user.has_perms((required,) if isinstance(required, str) else required)


class CoordinatorRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Signed in, holding ``permission_required`` (an accounts capability such as
    "accounts.manage_cohorts"), with a scope that covers some part of the programme.

    Views then narrow every queryset with ``self.scope`` (see accounts.scoping), so an
    object outside the user's areas is a 404. A signed-in user without the permission
    gets 403; an anonymous one goes to the login page.
    """

    permission_required = "accounts.view_dashboard"

    def has_permission(self) -> bool:
        return super().has_permission() and not self.scope.is_empty

    @property
    def scope(self) -> Scope:
        return scope_for(self.request.user)
