"""View mixins for coordinator-facing pages."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from accounts.scoping import scope_for


class CoordinatorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Signed in, with a scope that covers some part of the programme.

    Views then narrow every queryset with ``self.scope`` (see accounts.scoping).
    """

    def test_func(self) -> bool:
        return not scope_for(self.request.user).is_empty

    @property
    def scope(self):
        return scope_for(self.request.user)
